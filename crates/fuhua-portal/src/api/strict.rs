//! Parses a request body into a `serde_json::Value` and names every duplicate key.
//! `Value` keeps the last of two equal keys without a word, so a body with
//! `"move_in"` twice would be computed with one of them silently; the API refuses it
//! instead (`duplicate_key`, SPEC §5: every bad field is named).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::reader::join;

/// A parsed body, and the paths of the keys it repeats (`stays[0].move_in`), in the
/// order they appear, each once.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    pub duplicates: Vec<String>,
}

/// Parses `bytes` as one JSON value (with serde_json's own syntax errors and nesting
/// limit), noting duplicate keys.
pub fn parse(bytes: &[u8]) -> Result<Parsed, serde_json::Error> {
    let mut duplicates = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = Node {
        path: String::new(),
        duplicates: &mut duplicates,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(Parsed { value, duplicates })
}

/// One value at `path`, built as `serde_json::Value` builds it.
struct Node<'d> {
    path: String,
    duplicates: &'d mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Node { path, duplicates } = self;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node {
            path: format!("{path}[{}]", items.len()),
            duplicates: &mut *duplicates,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let Node { path, duplicates } = self;
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let field = join(&path, &key);
            let value = access.next_value_seed(Node {
                path: field.clone(),
                duplicates: &mut *duplicates,
            })?;
            if map.contains_key(&key) {
                if !duplicates.contains(&field) {
                    duplicates.push(field);
                }
            } else {
                map.insert(key, value);
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_same_value_as_serde_json() {
        let text = br#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": 18446744073709551615, "d": 1e3}"#;
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.value, serde_json::from_slice::<Value>(text).unwrap());
        assert!(parsed.duplicates.is_empty());
    }

    #[test]
    fn every_duplicate_key_is_named_by_its_path_once() {
        let text =
            br#"{"stays": [{"move_in": "2024-01-01", "move_in": "2025-01-01", "move_in": "x"},
                                  {"carrier": {"kind": 1, "kind": 2}}],
                       "founder": {}, "founder": {}}"#;
        let parsed = parse(text).unwrap();
        assert_eq!(
            parsed.duplicates,
            ["stays[0].move_in", "stays[1].carrier.kind", "founder"]
        );
    }

    #[test]
    fn syntax_errors_and_trailing_text_are_errors() {
        assert!(parse(b"{\"a\": ").is_err());
        assert!(parse(b"{} {}").is_err());
        assert!(parse(b"").is_err());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(deep.as_bytes()).is_err(), "nesting stays limited");
    }
}
