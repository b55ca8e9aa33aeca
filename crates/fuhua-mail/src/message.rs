//! Assembling a message from a rendered email. Nothing that reaches a header carries
//! CR, LF or another control character: they are replaced by spaces before lettre
//! sees the value, so a name or a subject can never start a header of its own. lettre
//! then encodes non-ASCII subjects and display names as RFC 2047 encoded words.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

use crate::error::MailError;
use crate::templates::Rendered;

/// The longest subject or display name kept, in characters.
pub const MAX_HEADER_CHARS: usize = 200;

/// One line fit for a header: control characters (including CR, LF, tab, DEL, the
/// C1 range and the Unicode line and paragraph separators) become spaces, runs of
/// whitespace collapse to one space, the ends are trimmed, and the result is cut to
/// [`MAX_HEADER_CHARS`] characters.
pub fn header_text(value: &str) -> String {
    let spaced: String = value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_HEADER_CHARS)
        .collect()
}

/// The recipient: a bare address (as stored on the outbox row) with an optional
/// display name. An address that does not parse is [`MailError::Address`], a
/// permanent failure.
pub fn recipient(address: &str, name: Option<&str>) -> Result<Mailbox, MailError> {
    let address = address.trim();
    if address.chars().any(char::is_control) {
        return Err(MailError::Address);
    }
    let address: Address = address.parse().map_err(|_| MailError::Address)?;
    let name = name.map(header_text).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

/// The message: `From`, `To`, a cleaned `Subject`, and the text and HTML bodies as
/// `multipart/alternative`.
pub fn build(from: &Mailbox, to: Mailbox, rendered: &Rendered) -> Result<Message, MailError> {
    let from = Mailbox::new(
        from.name
            .as_deref()
            .map(header_text)
            .filter(|n| !n.is_empty()),
        from.email.clone(),
    );
    Message::builder()
        .from(from)
        .to(to)
        .subject(header_text(&rendered.subject))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(rendered.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(rendered.html.clone()),
                ),
        )
        .map_err(|e| MailError::Build(e.to_string()))
}
