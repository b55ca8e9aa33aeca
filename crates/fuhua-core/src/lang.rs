//! The two languages Fuhua speaks: Simplified Chinese (the default) and English.

use serde::{Deserialize, Serialize};

/// A user-facing language. Chinese is the default everywhere (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag used in `lang` attributes and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a short code as used in `?lang=` links: `zh`, `zh-CN`, `en`, `en-US` …
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the preferred supported language of an `Accept-Language` header,
    /// honouring q-values; Chinese when nothing supported is asked for.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, usize, Lang)> = None;
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_code) else {
                continue;
            };
            let mut quality = 1000u16;
            for piece in pieces {
                if let Some(q) = piece.trim().strip_prefix("q=") {
                    quality = parse_quality(q).unwrap_or(0);
                }
            }
            if quality == 0 {
                continue;
            }
            // Higher quality wins; on a tie the earlier entry wins.
            let better = match best {
                None => true,
                Some((q, p, _)) => quality > q || (quality == q && position < p),
            };
            if better {
                best = Some((quality, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Parses an HTTP q-value ("0.8", "1", "0.125") into thousandths.
fn parse_quality(q: &str) -> Option<u16> {
    let q = q.trim();
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    let whole: u16 = whole.parse().ok()?;
    if whole > 1 || frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut thousandths = whole * 1000;
    for (i, c) in frac.chars().enumerate() {
        let digit = c.to_digit(10)? as u16;
        thousandths += digit * [100, 10, 1][i];
    }
    Some(thousandths.min(1000))
}

/// A message in both languages, chosen when it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_quality_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, zh;q=0.8"),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language("zh-CN;q=0.2, en;q=0.3"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("de"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=0, de"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=bogus"), Lang::Zh);
    }

    #[test]
    fn short_codes_parse() {
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("zh_CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("ja"), None);
    }
}
