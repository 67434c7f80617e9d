//! Staff roles and what each may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    Tam,
    Engineer,
    Manager,
    Admin,
}

impl StaffRole {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "tam" => Some(Self::Tam),
            "engineer" => Some(Self::Engineer),
            "manager" => Some(Self::Manager),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tam => "tam",
            Self::Engineer => "engineer",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    /// The role's name in the staff console ("Support engineer"), in `lang`.
    pub fn label(self, lang: crate::i18n::Lang) -> String {
        let key = match self {
            Self::Tam => "role-tam",
            Self::Engineer => "role-engineer",
            Self::Manager => "role-manager",
            Self::Admin => "role-admin",
        };
        crate::i18n::t(lang, key)
    }

    /// Registering, re-checking and activating customer organisations.
    pub fn can_manage_customers(self) -> bool {
        matches!(self, Self::Tam | Self::Admin | Self::Manager)
    }

    /// Admins and managers oversee every organisation; TAMs and engineers see the ones they serve.
    pub fn sees_all_orgs(self) -> bool {
        matches!(self, Self::Admin | Self::Manager)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roles_case_insensitively() {
        assert_eq!(StaffRole::parse(" TAM "), Some(StaffRole::Tam));
        assert_eq!(StaffRole::parse("janitor"), None);
    }

    #[test]
    fn engineers_cannot_register_customers() {
        assert!(!StaffRole::Engineer.can_manage_customers());
        assert!(StaffRole::Tam.can_manage_customers());
        assert!(!StaffRole::Tam.sees_all_orgs());
        assert!(StaffRole::Manager.sees_all_orgs());
    }
}
