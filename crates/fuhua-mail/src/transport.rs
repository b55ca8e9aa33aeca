//! The two ways out: lettre's SMTP transport (pooled, with a network timeout) or
//! `.eml` files in a directory when no SMTP server is configured.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::MailError;
use crate::settings::{Delivery, SmtpUrl};

/// A configured transport. `Debug` shows the SMTP URL without its password.
pub(crate) enum Transport {
    Smtp {
        url: SmtpUrl,
        transport: AsyncSmtpTransport<Tokio1Executor>,
    },
    Files {
        dir: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Smtp { url, .. } => write!(f, "Smtp({})", url.redacted()),
            Transport::Files { dir, .. } => write!(f, "Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// Builds the transport. Must run inside a Tokio runtime (the SMTP pool starts
    /// a task); outside one it is a configuration error, not a panic.
    pub(crate) fn new(delivery: &Delivery, timeout: Duration) -> Result<Transport, MailError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(MailError::Config {
                setting: "runtime",
                reason: "the mail transport must be built inside a Tokio runtime".into(),
            });
        }
        Ok(match delivery {
            Delivery::Smtp(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| MailError::Config {
                        setting: "FUHUA_SMTP_URL",
                        reason: format!("{} ({e})", url.redacted()),
                    })?
                    .timeout(Some(timeout))
                    .build();
                Transport::Smtp {
                    url: url.clone(),
                    transport,
                }
            }
            Delivery::Files(dir) => Transport::Files {
                dir: dir.clone(),
                transport: AsyncFileTransport::<Tokio1Executor>::new(dir),
            },
        })
    }

    /// Makes sure the mail directory exists (file delivery only).
    pub(crate) async fn prepare(&self) -> Result<(), MailError> {
        if let Transport::Files { dir, .. } = self {
            tokio::fs::create_dir_all(dir).await.map_err(|e| {
                MailError::Transport(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        Ok(())
    }

    /// Hands the message over: the SMTP server accepted it, or the file is written.
    pub(crate) async fn send(&self, message: Message) -> Result<(), MailError> {
        match self {
            Transport::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Transport(e.to_string())),
            Transport::Files { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Transport(e.to_string())),
        }
    }
}
