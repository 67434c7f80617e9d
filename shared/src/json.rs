//! Reading JSON bodies strictly: an optional field may be left out, but `null` is not a way of
//! leaving it out (the API documents the fields' types; `null` is not one of them).

use serde::{Deserialize, Deserializer};

/// For `#[serde(default, deserialize_with = "json::not_null")]`: a missing field is `None`, a
/// present one must hold a value (`null` is refused with serde's message).
pub fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// For `#[serde(default, deserialize_with = "json::present")]` where `null` deserves its own
/// answer: `None` when missing, `Some(None)` for an explicit `null`.
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    <Option<T> as Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug)]
    struct Body {
        #[serde(default, deserialize_with = "super::not_null")]
        client_id: Option<String>,
    }

    #[test]
    fn missing_is_none_and_null_is_refused() {
        let missing: Body = serde_json::from_str("{}").unwrap();
        assert_eq!(missing.client_id, None);
        let given: Body = serde_json::from_str(r#"{"client_id":"c1"}"#).unwrap();
        assert_eq!(given.client_id.as_deref(), Some("c1"));
        assert!(serde_json::from_str::<Body>(r#"{"client_id":null}"#).is_err());
    }
}
