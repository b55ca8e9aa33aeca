//! The shared vocabulary of SPEC §2: carrier kinds, founding modes, levels, founder
//! groups, funding sources. They live here rather than in the rule crates because the
//! dated parameters (also here) name them.

/// A value that is not one of an enumeration's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value; expected one of: {}", .expected.join(", "))]
pub struct UnknownValue {
    pub expected: &'static [&'static str],
}

/// A value with a stable wire name.
pub trait Named: Copy {
    fn code(self) -> &'static str;
}

/// Defines a closed vocabulary: an enum whose values have a wire name and a Chinese
/// and English label, with `ALL`, `CODES`, `as_str`, `label`, `FromStr` and `Display`.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value's wire name, in order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The wire name used in JSON, forms and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The name people read.
            pub fn label(self, lang: $crate::Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($zh, $en),)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocab::UnknownValue;
            fn from_str(s: &str) -> Result<$name, $crate::vocab::UnknownValue> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::vocab::UnknownValue { expected: $name::CODES }),
                }
            }
        }

        impl $crate::vocab::Named for $name {
            fn code(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

crate::vocabulary! {
    /// What kind of carrier (载体) this is.
    CarrierKind {
        IncubationBase = "incubation_base", "创业孵化基地（园区）", "incubation base";
        HouseholdServiceBase = "household_service_base", "家庭服务业基地（园区）", "household-service base";
        MakerSpace = "maker_space", "众创空间", "maker space";
        TechIncubator = "tech_incubator", "科技企业孵化器", "technology business incubator";
        UniversitySciencePark = "university_science_park", "大学科技园", "university science park";
        FeaturedTown = "featured_town", "特色小镇（街区）", "featured town or block";
    }
}

crate::vocabulary! {
    /// Who created the carrier.
    Founding {
        GovInvested = "gov_invested", "政府直接投资", "government-invested";
        GovLeased = "gov_leased", "政府租赁", "government-leased";
        GovPurchasedService = "gov_purchased_service", "以购买服务方式创建", "created by government purchase of services";
        StreetTown = "street_town", "街道（镇）创办", "created by a street or town";
        Social = "social", "社会力量创建", "socially run";
    }
}

impl Founding {
    /// Created by a government body (clause 七: 政府直接投资、租赁或以购买服务方式创建,
    /// and 街道(镇)创办).
    pub fn is_government(self) -> bool {
        !matches!(self, Founding::Social)
    }
}

crate::vocabulary! {
    /// Who runs the carrier day to day.
    Operation {
        SelfOperated = "self_operated", "自主运营", "self-operated";
        Entrusted = "entrusted", "委托专业机构运营", "entrusted to a professional operator";
    }
}

crate::vocabulary! {
    /// Accreditation levels, lowest first; the top three are demonstration (示范) levels.
    Level {
        StreetTown = "street_town", "街道（镇）级", "street/town level";
        District = "district", "区级", "district level";
        Municipal = "municipal", "市级示范", "municipal demonstration";
        Provincial = "provincial", "省级示范", "provincial demonstration";
        National = "national", "国家级示范", "national demonstration";
    }
}

impl Level {
    /// Municipal, provincial and national are demonstration levels (示范基地).
    pub fn is_demonstration(self) -> bool {
        self >= Level::Municipal
    }
}

crate::vocabulary! {
    /// The status of an accreditation record (SPEC §4).
    AccreditationStatus {
        Active = "active", "有效", "active";
        Suspended = "suspended", "暂停", "suspended";
        Revoked = "revoked", "撤销", "revoked";
        Expired = "expired", "到期", "expired";
    }
}

crate::vocabulary! {
    /// The principal founder's group (SPEC §2).
    FounderGroup {
        Graduate = "graduate", "高校毕业生", "university graduate";
        Unemployed = "unemployed", "城乡失业人员", "unemployed person";
        ReturningMigrantWorker = "returning_migrant_worker", "返乡农民工", "returning migrant worker";
        Other = "other", "其他人员", "other";
    }
}

crate::vocabulary! {
    /// Whose budget pays.
    FundingSource {
        MunicipalFinance = "municipal_finance", "市财政", "municipal finance";
        DistrictFinance = "district_finance", "区财政（就业补助资金）", "district finance (employment funds)";
        StreetTownBudget = "street_town_budget", "街道（镇）自行承担", "street/town budget";
    }
}

crate::vocabulary! {
    /// The rent regime of a stay (R-WAIVER).
    Regime {
        FullWaiver = "full_waiver", "租金全免", "full rent waiver";
        KeyGroupReduction = "key_group_reduction", "重点群体租金减免", "key-group rent reduction";
        None = "none", "不享受租金减免", "no waiver";
    }
}

crate::vocabulary! {
    /// How the ladder award pays a carrier (district parameter `ladder_mode`).
    LadderMode {
        Steps = "steps", "逐级定额", "fixed steps";
        Difference = "difference", "差额补足", "top up the difference";
    }
}

crate::vocabulary! {
    /// The kind of area in the entrepreneurial-area award (R-AWARD-AREA).
    AreaKind {
        District = "district", "创业型区（市）", "entrepreneurial district (city)";
        StreetTown = "street_town", "创业型街道（镇）", "entrepreneurial street (town)";
    }
}

crate::vocabulary! {
    /// Evaluation grades (R-EVAL), best first.
    Grade {
        Excellent = "excellent", "优秀", "excellent";
        Good = "good", "良好", "good";
        Pass = "pass", "合格", "pass";
        Fail = "fail", "不合格", "fail";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in CarrierKind::ALL {
            assert_eq!(kind.as_str().parse::<CarrierKind>(), Ok(*kind));
        }
        assert_eq!(
            serde_json::to_string(&FounderGroup::ReturningMigrantWorker).unwrap(),
            "\"returning_migrant_worker\""
        );
        let err = "castle".parse::<CarrierKind>().unwrap_err();
        assert!(err.to_string().contains("maker_space"));
    }

    #[test]
    fn levels_are_ordered_and_the_top_three_are_demonstration() {
        assert!(Level::StreetTown < Level::District && Level::Provincial < Level::National);
        assert!(!Level::District.is_demonstration());
        assert!(Level::Municipal.is_demonstration());
    }
}
