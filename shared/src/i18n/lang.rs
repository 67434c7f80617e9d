//! The languages tamlink speaks, and how a reader's is chosen.

use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag (`<html lang>`, the catalog folder, the cookie).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Lark's locale name (card `i18n_content`, toasts, `primary_language`).
    pub fn lark(self) -> &'static str {
        match self {
            Lang::En => "en_us",
            Lang::ZhCn => "zh_cn",
        }
    }

    /// The language's own name, for the switcher.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    pub(super) fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::En => unic_langid::langid!("en"),
            Lang::ZhCn => unic_langid::langid!("zh-CN"),
        }
    }

    /// A language tag or Lark locale as people and clients write it: `zh`, `zh-CN`, `zh_cn`,
    /// `zh-Hans-CN`, `en-GB`, `en_us`… Any Chinese is read as Simplified Chinese (the one we
    /// have); anything else we do not speak is `None`, so the next choice applies.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header we speak, by the weights given
    /// (`q=0` means "not this one").
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.split(';');
                let lang = Lang::parse(bits.next()?)?;
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}
