#![doc = include_str!("../README.md")]

pub mod emails;
pub mod error;
pub mod message;
pub mod sender;
pub mod settings;
pub mod templates;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod transport;

#[cfg(test)]
mod tests;

pub use emails::{Email, outbox_mail};
pub use error::MailError;
pub use sender::{
    Mailer, SendReport, SenderHandle, run_sender, send_due, send_once_from_env, spawn_from_env,
    spawn_sender,
};
pub use settings::{Delivery, MailSettings, SmtpUrl};
pub use templates::{Rendered, Templates};
