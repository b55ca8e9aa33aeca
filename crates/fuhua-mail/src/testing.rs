//! A small SMTP server on loopback for tests (feature `testing`): it speaks enough
//! SMTP for lettre (EHLO/HELO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA, RSET, NOOP,
//! QUIT), records every message it accepts, and can be stopped and started again
//! on the same port to play a relay that is down for a while.
//!
//! ```text
//! let mut smtp = TestSmtp::start().await?;
//! // FUHUA_SMTP_URL = smtp.url()
//! let received = smtp.wait_for(1, Duration::from_secs(10)).await?;
//! assert_eq!(received[0].subject().as_deref(), Some("【孵化】…"));
//! ```

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// The largest message accepted, in bytes.
const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`), without angle brackets.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), without angle brackets.
    pub recipients: Vec<String>,
    /// The message as transmitted after `DATA` (CRLF line ends, dot-stuffing undone).
    pub data: Vec<u8>,
}

impl Received {
    /// The raw message as text (lossy for invalid UTF-8).
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    fn parsed(&self) -> Option<mail_parser::Message<'_>> {
        mail_parser::MessageParser::default().parse(&self.data)
    }

    /// The decoded `Subject`.
    pub fn subject(&self) -> Option<String> {
        self.parsed()?.subject().map(str::to_owned)
    }

    /// A header's value as transmitted (still encoded, folding included).
    pub fn raw_header(&self, name: &str) -> Option<String> {
        self.parsed()?
            .header_raw(name.to_owned())
            .map(|v| v.trim().to_owned())
    }

    /// The decoded display name of the first `To` address.
    pub fn to_name(&self) -> Option<String> {
        let parsed = self.parsed()?;
        parsed.to()?.first()?.name().map(str::to_owned)
    }

    /// The address of the first `To` entry.
    pub fn to_address(&self) -> Option<String> {
        let parsed = self.parsed()?;
        parsed.to()?.first()?.address().map(str::to_owned)
    }

    /// The decoded plain-text body.
    pub fn text(&self) -> Option<String> {
        let parsed = self.parsed()?;
        parsed.body_text(0).map(|b| b.into_owned())
    }

    /// The decoded HTML body.
    pub fn html(&self) -> Option<String> {
        let parsed = self.parsed()?;
        parsed.body_html(0).map(|b| b.into_owned())
    }
}

/// [`TestSmtp::wait_for`] gave up: fewer messages arrived in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedOut {
    pub wanted: usize,
    pub received: usize,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waited for {} messages, received {}",
            self.wanted, self.received
        )
    }
}

impl std::error::Error for TimedOut {}

#[derive(Debug)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    count: watch::Sender<usize>,
}

impl Shared {
    fn record(&self, message: Received) {
        let mut messages = self.messages.lock().unwrap_or_else(|p| p.into_inner());
        messages.push(message);
        let n = messages.len();
        drop(messages);
        self.count.send_replace(n);
    }

    fn snapshot(&self) -> Vec<Received> {
        self.messages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The test server. Dropping it stops it.
#[derive(Debug)]
pub struct TestSmtp {
    port: u16,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl TestSmtp {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> io::Result<TestSmtp> {
        TestSmtp::start_on(0).await
    }

    /// Listens on 127.0.0.1:`port` (0 for any free port).
    pub async fn start_on(port: u16) -> io::Result<TestSmtp> {
        let (count, _) = watch::channel(0);
        let mut server = TestSmtp {
            port,
            shared: Arc::new(Shared {
                messages: Mutex::new(Vec::new()),
                count,
            }),
            accept: None,
        };
        server.listen(port).await?;
        Ok(server)
    }

    async fn listen(&mut self, port: u16) -> io::Result<()> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        self.port = listener.local_addr()?.port();
        let shared = Arc::clone(&self.shared);
        self.accept = Some(tokio::spawn(accept_loop(listener, shared)));
        Ok(())
    }

    /// The port it listens (or listened) on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT`, for `FUHUA_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Whether it is listening.
    pub fn is_running(&self) -> bool {
        self.accept.is_some()
    }

    /// Every message received so far, oldest first (kept across stop and restart).
    pub fn messages(&self) -> Vec<Received> {
        self.shared.snapshot()
    }

    /// Waits until at least `n` messages have been received, at most `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Result<Vec<Received>, TimedOut> {
        let mut count = self.shared.count.subscribe();
        let arrived = tokio::time::timeout(timeout, count.wait_for(|c| *c >= n)).await;
        match arrived {
            Ok(Ok(_)) => Ok(self.messages()),
            _ => Err(TimedOut {
                wanted: n,
                received: self.messages().len(),
            }),
        }
    }

    /// Stops listening and closes every open connection (a client then sees its
    /// connection refused). The recorded messages stay.
    pub async fn stop(&mut self) {
        if let Some(task) = self.accept.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port after [`TestSmtp::stop`].
    pub async fn restart(&mut self) -> io::Result<()> {
        self.stop().await;
        self.listen(self.port).await
    }
}

impl Drop for TestSmtp {
    fn drop(&mut self) {
        if let Some(task) = self.accept.take() {
            task.abort();
        }
    }
}

/// Accepts connections; aborting this task drops the listener and, with the
/// `JoinSet`, every open session.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    sessions.spawn(session(stream, Arc::clone(&shared)));
                }
            }
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// One SMTP session.
async fn session(stream: TcpStream, shared: Arc<Shared>) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer
        .write_all(b"220 127.0.0.1 ESMTP fuhua test server\r\n")
        .await?;
    let mut mail_from: Option<String> = None;
    let mut recipients: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => {
                b"250-127.0.0.1\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN\r\n250 HELP\r\n"
            }
            "HELO" => b"250 127.0.0.1\r\n",
            "AUTH" => b"235 2.7.0 Authentication successful\r\n",
            "MAIL" => {
                mail_from = Some(path_of(&command));
                recipients.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if mail_from.is_some() => {
                recipients.push(path_of(&command));
                b"250 2.1.5 OK\r\n"
            }
            "RCPT" => b"503 5.5.1 MAIL first\r\n",
            "DATA" if recipients.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = read_data(&mut reader).await? else {
                    writer.write_all(b"552 5.3.4 Message too big\r\n").await?;
                    return Ok(());
                };
                shared.record(Received {
                    mail_from: mail_from.take().unwrap_or_default(),
                    recipients: std::mem::take(&mut recipients),
                    data,
                });
                b"250 2.0.0 OK queued\r\n"
            }
            "RSET" => {
                mail_from = None;
                recipients.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                writer.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not recognized\r\n",
        };
        writer.write_all(reply).await?;
    }
}

/// The address inside `<…>` of a MAIL FROM or RCPT TO command.
fn path_of(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..]
        .find('>')
        .map_or(command.len(), |i| start + i);
    command[start..end].to_owned()
}

/// Reads the message after DATA up to the lone dot, undoing dot-stuffing. `None`
/// when it grows past [`MAX_MESSAGE_BYTES`].
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(Some(data));
        }
        let content = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(content);
        if data.len() > MAX_MESSAGE_BYTES {
            return Ok(None);
        }
    }
}
