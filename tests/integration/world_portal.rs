//! The whole portal over a real database: the small district of `world.rs` on
//! SQLite, served on 127.0.0.1 port 0 with a fixed "today", and the outbox sender
//! delivering to an SMTP server listening on loopback inside the test.

use std::time::Duration;

use fuhua_mail::testing::TestSmtp;
use fuhua_mail::{MailSettings, SenderHandle};
use fuhua_portal::{AppState, Clock, PortalSettings};
use fuhua_store::testing::TestDb;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::helpers::today;
use crate::world::{self, World};

pub struct WorldPortal {
    /// `http://127.0.0.1:PORT`, also the portal's public origin.
    pub base: String,
    pub world: World,
    pub smtp: TestSmtp,
    sender: Option<SenderHandle>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    mail_dir: std::path::PathBuf,
    // Dropped last: the database outlives the server and the sender.
    _db: TestDb,
}

impl WorldPortal {
    /// Builds the world, starts the SMTP server, the mail sender and the portal.
    pub async fn start() -> WorldPortal {
        let db = TestDb::sqlite().await.unwrap();
        let world = world::build(&db).await;
        let smtp = TestSmtp::start().await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());

        let mail_dir = std::env::temp_dir().join(format!(
            "fuhua-world-mail-{}-{}",
            std::process::id(),
            listener.local_addr().unwrap().port()
        ));
        let mut mail = MailSettings::new(Some(&smtp.url()), None, Some(&base), &mail_dir).unwrap();
        // A short pass interval keeps the test quick; waits stay bounded by `wait_for`.
        mail.interval = Duration::from_millis(200);
        let sender = fuhua_mail::spawn_sender(db.store.clone(), mail).unwrap();

        let system = world.system.clone();
        let params = system.parameters().await.unwrap();
        let settings = PortalSettings {
            public_origin: base.clone(),
            ..PortalSettings::default()
        };
        let state = AppState::with_system_settings(params, Clock::Fixed(today()), system, settings)
            .unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(fuhua_portal::serve(listener, state, async {
            let _ = rx.await;
        }));
        WorldPortal {
            base,
            world,
            smtp,
            sender: Some(sender),
            shutdown: Some(tx),
            server: Some(server),
            mail_dir,
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the portal and the mail sender and waits for both.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
        if let Some(sender) = self.sender.take() {
            sender.stop().await;
        }
    }
}

impl Drop for WorldPortal {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}
