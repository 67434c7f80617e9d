//! Lark and Feishu: one product on two sets of hosts (docs/lark.md §0). Every organisation, the
//! provider's included, belongs to one brand, and every call for it goes to that brand's hosts:
//! an app of one brand is unknown to the other.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Brand {
    /// Lark (international). Organisations registered before brands existed are Lark's.
    #[default]
    Lark,
    /// Feishu (China).
    Feishu,
}

impl Brand {
    pub const ALL: [Brand; 2] = [Brand::Lark, Brand::Feishu];

    pub fn parse(s: &str) -> Option<Brand> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lark" => Some(Brand::Lark),
            "feishu" => Some(Brand::Feishu),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Brand::Lark => "lark",
            Brand::Feishu => "feishu",
        }
    }

    /// The product's own name, as its people know it.
    pub fn product(self) -> &'static str {
        match self {
            Brand::Lark => "Lark",
            Brand::Feishu => "Feishu",
        }
    }

    /// The Open API host (§0).
    pub fn open_url(self) -> &'static str {
        match self {
            Brand::Lark => "https://open.larksuite.com",
            Brand::Feishu => "https://open.feishu.cn",
        }
    }

    /// The accounts host that serves the OAuth authorize page (§2.1).
    pub fn accounts_url(self) -> &'static str {
        match self {
            Brand::Lark => "https://accounts.larksuite.com",
            Brand::Feishu => "https://accounts.feishu.cn",
        }
    }

    /// The AppLink host that opens pages inside the client (§8.2).
    pub fn applink_url(self) -> &'static str {
        match self {
            Brand::Lark => "https://applink.larksuite.com",
            Brand::Feishu => "https://applink.feishu.cn",
        }
    }

    /// The developer console where an admin configures the app (§0).
    pub fn console_url(self, app_id: &str) -> String {
        let base = match self {
            Brand::Lark => "https://open.larksuite.com/app",
            Brand::Feishu => "https://open.feishu.cn/app",
        };
        if app_id.is_empty() {
            base.to_owned()
        } else {
            format!("{base}/{app_id}")
        }
    }
}

impl Brand {
    /// The brand whose host serves this URL (a group bot's webhook): Feishu's end in
    /// `feishu.cn`; anything else is taken as Lark's.
    pub fn of_url(url: &str) -> Brand {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        if host == "feishu.cn" || host.ends_with(".feishu.cn") {
            Brand::Feishu
        } else {
            Brand::Lark
        }
    }
}

/// Where one brand's Open API and accounts pages are served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosts {
    pub open: String,
    pub accounts: String,
}

/// Both brands' hosts: Lark's and Feishu's own on AWS; the sandbox's two listeners locally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub lark: Hosts,
    pub feishu: Hosts,
}

impl Endpoints {
    pub fn official() -> Self {
        let hosts = |b: Brand| Hosts {
            open: b.open_url().to_owned(),
            accounts: b.accounts_url().to_owned(),
        };
        Self {
            lark: hosts(Brand::Lark),
            feishu: hosts(Brand::Feishu),
        }
    }

    /// One local server per brand serving both the Open API and the accounts pages.
    pub fn local(lark: &str, feishu: &str) -> Self {
        let hosts = |u: &str| Hosts {
            open: u.trim_end_matches('/').to_owned(),
            accounts: u.trim_end_matches('/').to_owned(),
        };
        Self {
            lark: hosts(lark),
            feishu: hosts(feishu),
        }
    }

    pub fn of(&self, brand: Brand) -> &Hosts {
        match brand {
            Brand::Lark => &self.lark,
            Brand::Feishu => &self.feishu,
        }
    }
}

impl std::fmt::Display for Brand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_brand_has_its_own_hosts_and_the_same_paths() {
        assert_eq!(Brand::Lark.open_url(), "https://open.larksuite.com");
        assert_eq!(Brand::Feishu.open_url(), "https://open.feishu.cn");
        assert_eq!(Brand::Feishu.accounts_url(), "https://accounts.feishu.cn");
        assert_eq!(Brand::Feishu.applink_url(), "https://applink.feishu.cn");
        assert_eq!(
            Brand::Feishu.console_url("cli_a"),
            "https://open.feishu.cn/app/cli_a"
        );
        for b in Brand::ALL {
            assert_eq!(Brand::parse(b.as_str()), Some(b));
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{b}\""));
        }
        assert_eq!(Brand::parse("LARK "), Some(Brand::Lark));
        assert_eq!(Brand::parse("dingtalk"), None);
        assert_eq!(
            Brand::of_url("https://open.feishu.cn/open-apis/bot/v2/hook/x"),
            Brand::Feishu
        );
        assert_eq!(
            Brand::of_url("https://open.larksuite.com/open-apis/bot/v2/hook/x"),
            Brand::Lark
        );
        assert_eq!(Brand::of_url("https://evilfeishu.cn/hook"), Brand::Lark);
    }

    #[test]
    fn organisations_stored_before_brands_are_lark() {
        #[derive(Deserialize)]
        struct Old {
            #[serde(default)]
            brand: Brand,
        }
        let old: Old = serde_json::from_str("{}").unwrap();
        assert_eq!(old.brand, Brand::Lark);
    }
}
