//! What a carrier offers a tenant moving in on a given day (clause 七).

use chrono::NaiveDate;
use fuhua_core::clauses::{self, rules};
use fuhua_core::vocab::{AccreditationStatus, CarrierKind, Founding, FundingSource, Level};
use fuhua_core::{DateRange, Decision, Lang, Trace};
use serde::{Deserialize, Serialize};

/// One accreditation record of a carrier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accreditation {
    pub level: Level,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// A record without a status is `active` (SPEC §3).
    pub status: AccreditationStatus,
}

/// Why an accreditation does not count on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotCounting {
    NotYetValid,
    Ended,
    Suspended,
    Revoked,
    Expired,
}

impl Accreditation {
    /// SPEC §3: an accreditation counts on day D when its status is `active` and
    /// valid_from ≤ D ≤ valid_until (if any); `revoked`/`suspended`/`expired` never
    /// count (a revocation that should count until a date is recorded by ending
    /// valid_until instead).
    pub fn why_not_on(&self, day: NaiveDate) -> Option<NotCounting> {
        match self.status {
            AccreditationStatus::Suspended => Some(NotCounting::Suspended),
            AccreditationStatus::Revoked => Some(NotCounting::Revoked),
            AccreditationStatus::Expired => Some(NotCounting::Expired),
            AccreditationStatus::Active if day < self.valid_from => Some(NotCounting::NotYetValid),
            AccreditationStatus::Active if self.valid_until.is_some_and(|u| day > u) => {
                Some(NotCounting::Ended)
            }
            AccreditationStatus::Active => None,
        }
    }

    pub fn counts_on(&self, day: NaiveDate) -> bool {
        self.why_not_on(day).is_none()
    }

    /// The days on which this record counts, if any.
    pub fn counting_range(&self) -> Option<DateRange> {
        if self.status != AccreditationStatus::Active {
            return None;
        }
        DateRange::new(self.valid_from, self.valid_until.unwrap_or(NaiveDate::MAX))
    }
}

/// A carrier as the rent rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carrier {
    pub kind: CarrierKind,
    pub founding: Founding,
    /// The policy says "may" (可): the district can switch the full waiver off for
    /// one carrier. Default true.
    pub waives_rent: bool,
    pub accreditations: Vec<Accreditation>,
}

/// Why a carrier offers no waiver, or what it requires (reason codes of the
/// rent-waiver answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OfferReason {
    /// Neither an incubation base nor a household-service base.
    KindNotCovered,
    /// A socially-run carrier that is not an incubation base (the key-group clause
    /// covers 创业孵化基地(园区) only).
    SocialKindNotCovered,
    /// The district switched the full waiver off for this carrier.
    WaivesRentOff,
    /// A socially-run incubation base with no accreditation at all.
    NoAccreditation,
    /// Its accreditation starts after the move-in.
    AccreditationNotYetValid,
    /// Its accreditation ended before the move-in.
    AccreditationEnded,
    AccreditationSuspended,
    AccreditationRevoked,
    AccreditationExpired,
}

impl OfferReason {
    pub fn code(self) -> &'static str {
        match self {
            OfferReason::KindNotCovered => "carrier_kind_not_covered",
            OfferReason::SocialKindNotCovered => "social_carrier_not_incubation_base",
            OfferReason::WaivesRentOff => "carrier_waiver_switched_off",
            OfferReason::NoAccreditation => "not_accredited",
            OfferReason::AccreditationNotYetValid => "accreditation_starts_after_move_in",
            OfferReason::AccreditationEnded => "accreditation_ended_before_move_in",
            OfferReason::AccreditationSuspended => "accreditation_suspended",
            OfferReason::AccreditationRevoked => "accreditation_revoked",
            OfferReason::AccreditationExpired => "accreditation_expired",
        }
    }

    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            OfferReason::KindNotCovered => lang.pick(
                "该载体不是创业孵化基地（园区）或家庭服务业基地（园区），不适用第（七）条租金减免",
                "the carrier is neither an incubation base nor a household-service base, so clause (VII) waivers do not apply",
            ),
            OfferReason::SocialKindNotCovered => lang.pick(
                "社会力量创建的载体只有创业孵化基地（园区）可享受重点群体租金减免",
                "of socially-run carriers only incubation bases offer the key-group reduction",
            ),
            OfferReason::WaivesRentOff => lang.pick(
                "区里已对该载体关闭租金全免（政策为“可”实施）",
                "the district has switched the full waiver off for this carrier (the policy says “may”)",
            ),
            OfferReason::NoAccreditation => lang.pick(
                "该社会力量创建的创业孵化基地未经评估认定",
                "this socially-run incubation base holds no accreditation",
            ),
            OfferReason::AccreditationNotYetValid => lang.pick(
                "认定在入驻之后才生效，入驻时未经认定（以后生效的认定不使入驻变为可享受）",
                "the accreditation starts after the move-in; one that starts later does not make the stay eligible",
            ),
            OfferReason::AccreditationEnded => lang.pick(
                "认定在入驻之前已经终止",
                "the accreditation ended before the move-in",
            ),
            OfferReason::AccreditationSuspended => lang.pick("认定已暂停，不予计算", "the accreditation is suspended and does not count"),
            OfferReason::AccreditationRevoked => lang.pick("认定已撤销，不予计算", "the accreditation is revoked and does not count"),
            OfferReason::AccreditationExpired => lang.pick("认定已到期，不予计算", "the accreditation has expired and does not count"),
        }
    }
}

/// What a carrier offers an entity moving in on a given day, before looking at
/// the founder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CarrierOffer {
    /// R-WAIVER-FULL: every entering entity, whatever its founder.
    FullWaiver { funding_source: FundingSource },
    /// R-WAIVER-KEYGROUP: only entities whose principal founder is in a key group.
    KeyGroupReduction,
    /// No regime, with every reason that applies.
    Nothing { reasons: Vec<OfferReason> },
}

impl CarrierOffer {
    pub fn qualifies(&self) -> bool {
        !matches!(self, CarrierOffer::Nothing { .. })
    }
}

impl Carrier {
    /// Whether some accreditation of the carrier counts on `day`.
    pub fn accredited_on(&self, day: NaiveDate) -> bool {
        self.accreditations.iter().any(|a| a.counts_on(day))
    }

    /// The parts of `range` on which some accreditation counts, merged and ordered.
    pub fn accredited_within(&self, range: DateRange) -> Vec<DateRange> {
        let mut parts: Vec<DateRange> = self
            .accreditations
            .iter()
            .filter_map(Accreditation::counting_range)
            .filter_map(|r| r.intersect(range))
            .collect();
        parts.sort_by_key(|r| r.start);
        let mut merged: Vec<DateRange> = Vec::with_capacity(parts.len());
        for part in parts {
            match merged.last_mut() {
                Some(last) if part.start <= last.end.succ_opt().unwrap_or(last.end) => {
                    last.end = last.end.max(part.end);
                }
                _ => merged.push(part),
            }
        }
        merged
    }

    /// Which regime the carrier offers an entity moving in on `move_in`.
    pub fn offer_on(&self, move_in: NaiveDate) -> Decision<CarrierOffer> {
        let mut trace = Trace::new();
        let covered_kind = matches!(
            self.kind,
            CarrierKind::IncubationBase | CarrierKind::HouseholdServiceBase
        );
        let kind_zh = self.kind.label(Lang::Zh);
        let kind_en = self.kind.label(Lang::En);
        let founding_zh = self.founding.label(Lang::Zh);
        let founding_en = self.founding.label(Lang::En);

        if self.founding.is_government() {
            // R-WAIVER-FULL — clause 七: 政府直接投资、租赁或以购买服务方式创建的创业孵化基地
            // (园区)、家庭服务业基地(园区) … 3年内租金全免; 街道(镇)创办 pays itself.
            if !covered_kind {
                return nothing(trace, vec![OfferReason::KindNotCovered], self);
            }
            if !self.waives_rent {
                trace.step(
                    rules::WAIVER_FULL,
                    &clauses::FULL_WAIVER,
                    format!("{founding_zh}的{kind_zh}，但区里已对该载体关闭租金全免"),
                    format!(
                        "a {kind_en} ({founding_en}), but the district switched its full waiver off"
                    ),
                );
                return nothing(trace, vec![OfferReason::WaivesRentOff], self);
            }
            let funding_source = if self.founding == Founding::StreetTown {
                FundingSource::StreetTownBudget
            } else {
                FundingSource::DistrictFinance
            };
            trace.step(
                rules::WAIVER_FULL,
                &clauses::FULL_WAIVER,
                format!("{founding_zh}的{kind_zh}：入驻创业实体不论创业者类别均享受租金全免"),
                format!("a {kind_en}, {founding_en}: every entering entity gets the full waiver, whatever its founder's group"),
            );
            trace.step(
                rules::WAIVER_FULL,
                &clauses::FULL_WAIVER_FUNDING,
                format!("资金来源：{}", funding_source.label(Lang::Zh)),
                format!("paid from: {}", funding_source.label(Lang::En)),
            );
            return Decision::new(CarrierOffer::FullWaiver { funding_source }, trace);
        }

        // R-WAIVER-KEYGROUP — clause 七: 入驻由社会力量创建、经评估认定的各级创业孵化基地(园区).
        let mut reasons = Vec::new();
        if self.kind != CarrierKind::IncubationBase {
            reasons.push(if covered_kind {
                OfferReason::SocialKindNotCovered
            } else {
                OfferReason::KindNotCovered
            });
        }
        if !self.accredited_on(move_in) {
            if self.accreditations.is_empty() {
                reasons.push(OfferReason::NoAccreditation);
            }
            for accreditation in &self.accreditations {
                let reason = match accreditation.why_not_on(move_in) {
                    Some(NotCounting::NotYetValid) => OfferReason::AccreditationNotYetValid,
                    Some(NotCounting::Ended) => OfferReason::AccreditationEnded,
                    Some(NotCounting::Suspended) => OfferReason::AccreditationSuspended,
                    Some(NotCounting::Revoked) => OfferReason::AccreditationRevoked,
                    Some(NotCounting::Expired) => OfferReason::AccreditationExpired,
                    None => continue,
                };
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
        if !reasons.is_empty() {
            return nothing(trace, reasons, self);
        }
        let levels: Vec<&str> = self
            .accreditations
            .iter()
            .filter(|a| a.counts_on(move_in))
            .map(|a| a.level.label(Lang::Zh))
            .collect();
        let levels_en: Vec<&str> = self
            .accreditations
            .iter()
            .filter(|a| a.counts_on(move_in))
            .map(|a| a.level.label(Lang::En))
            .collect();
        trace.step(
            rules::WAIVER_KEYGROUP,
            &clauses::KEY_GROUP,
            format!("社会力量创建的创业孵化基地，入驻日{move_in}持有有效认定（{}）：重点群体可享受租金减免", levels.join("、")),
            format!(
                "a socially-run incubation base accredited on the move-in {move_in} ({}): key groups get the rent reduction",
                levels_en.join(", ")
            ),
        );
        Decision::new(CarrierOffer::KeyGroupReduction, trace)
    }
}

fn nothing(
    mut trace: Trace,
    reasons: Vec<OfferReason>,
    carrier: &Carrier,
) -> Decision<CarrierOffer> {
    let clause = if carrier.founding.is_government() {
        &clauses::FULL_WAIVER
    } else {
        &clauses::KEY_GROUP
    };
    for reason in &reasons {
        trace.step(
            rules::WAIVER_NONE,
            clause,
            reason.describe(Lang::Zh),
            reason.describe(Lang::En),
        );
    }
    Decision::new(CarrierOffer::Nothing { reasons }, trace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn acc(
        from: NaiveDate,
        until: Option<NaiveDate>,
        status: AccreditationStatus,
    ) -> Accreditation {
        Accreditation {
            level: Level::District,
            valid_from: from,
            valid_until: until,
            status,
        }
    }

    fn carrier(
        kind: CarrierKind,
        founding: Founding,
        accreditations: Vec<Accreditation>,
    ) -> Carrier {
        Carrier {
            kind,
            founding,
            waives_rent: true,
            accreditations,
        }
    }

    #[test]
    fn government_incubation_and_household_bases_waive_in_full() {
        for founding in [
            Founding::GovInvested,
            Founding::GovLeased,
            Founding::GovPurchasedService,
        ] {
            for kind in [
                CarrierKind::IncubationBase,
                CarrierKind::HouseholdServiceBase,
            ] {
                let offer = carrier(kind, founding, vec![]).offer_on(d(2024, 3, 15));
                assert_eq!(
                    offer.value,
                    CarrierOffer::FullWaiver {
                        funding_source: FundingSource::DistrictFinance
                    }
                );
                assert!(offer.trace.mentions("R-WAIVER-FULL"));
            }
        }
    }

    #[test]
    fn street_town_bases_pay_from_their_own_budget() {
        let offer = carrier(CarrierKind::IncubationBase, Founding::StreetTown, vec![])
            .offer_on(d(2024, 3, 15));
        assert_eq!(
            offer.value,
            CarrierOffer::FullWaiver {
                funding_source: FundingSource::StreetTownBudget
            }
        );
    }

    #[test]
    fn other_kinds_offer_nothing_whoever_founded_them() {
        for kind in [
            CarrierKind::MakerSpace,
            CarrierKind::TechIncubator,
            CarrierKind::UniversitySciencePark,
            CarrierKind::FeaturedTown,
        ] {
            let gov = carrier(kind, Founding::GovInvested, vec![]).offer_on(d(2024, 1, 1));
            assert_eq!(
                gov.value,
                CarrierOffer::Nothing {
                    reasons: vec![OfferReason::KindNotCovered]
                }
            );
            let social = carrier(
                kind,
                Founding::Social,
                vec![acc(d(2020, 1, 1), None, AccreditationStatus::Active)],
            )
            .offer_on(d(2024, 1, 1));
            assert_eq!(
                social.value,
                CarrierOffer::Nothing {
                    reasons: vec![OfferReason::KindNotCovered]
                }
            );
        }
    }

    #[test]
    fn the_district_can_switch_a_full_waiver_off() {
        let mut c = carrier(CarrierKind::IncubationBase, Founding::GovLeased, vec![]);
        c.waives_rent = false;
        let offer = c.offer_on(d(2024, 1, 1));
        assert_eq!(
            offer.value,
            CarrierOffer::Nothing {
                reasons: vec![OfferReason::WaivesRentOff]
            }
        );
        assert!(offer.trace.mentions("R-WAIVER-NONE"));
    }

    #[test]
    fn a_social_base_needs_an_accreditation_counting_on_the_move_in() {
        let move_in = d(2024, 6, 1);
        let cases = [
            (vec![], vec![OfferReason::NoAccreditation]),
            (
                vec![acc(d(2024, 6, 2), None, AccreditationStatus::Active)],
                vec![OfferReason::AccreditationNotYetValid],
            ),
            (
                vec![acc(
                    d(2020, 1, 1),
                    Some(d(2024, 5, 31)),
                    AccreditationStatus::Active,
                )],
                vec![OfferReason::AccreditationEnded],
            ),
            (
                vec![acc(d(2020, 1, 1), None, AccreditationStatus::Suspended)],
                vec![OfferReason::AccreditationSuspended],
            ),
            (
                vec![acc(d(2020, 1, 1), None, AccreditationStatus::Revoked)],
                vec![OfferReason::AccreditationRevoked],
            ),
            (
                vec![acc(d(2020, 1, 1), None, AccreditationStatus::Expired)],
                vec![OfferReason::AccreditationExpired],
            ),
        ];
        for (accreditations, reasons) in cases {
            let offer = carrier(
                CarrierKind::IncubationBase,
                Founding::Social,
                accreditations,
            )
            .offer_on(move_in);
            assert_eq!(offer.value, CarrierOffer::Nothing { reasons });
        }
        let good = carrier(
            CarrierKind::IncubationBase,
            Founding::Social,
            vec![
                acc(d(2020, 1, 1), None, AccreditationStatus::Revoked),
                acc(
                    d(2024, 6, 1),
                    Some(d(2024, 6, 1)),
                    AccreditationStatus::Active,
                ),
            ],
        )
        .offer_on(move_in);
        assert_eq!(good.value, CarrierOffer::KeyGroupReduction);
    }

    #[test]
    fn a_social_household_base_is_not_covered_and_every_reason_is_named() {
        let offer = carrier(CarrierKind::HouseholdServiceBase, Founding::Social, vec![])
            .offer_on(d(2024, 1, 1));
        assert_eq!(
            offer.value,
            CarrierOffer::Nothing {
                reasons: vec![
                    OfferReason::SocialKindNotCovered,
                    OfferReason::NoAccreditation
                ]
            }
        );
        assert_eq!(offer.trace.len(), 2);
    }

    #[test]
    fn accredited_days_merge_adjacent_and_overlapping_records() {
        let c = carrier(
            CarrierKind::IncubationBase,
            Founding::Social,
            vec![
                acc(
                    d(2024, 1, 1),
                    Some(d(2024, 1, 31)),
                    AccreditationStatus::Active,
                ),
                acc(
                    d(2024, 2, 1),
                    Some(d(2024, 2, 10)),
                    AccreditationStatus::Active,
                ),
                acc(d(2024, 3, 1), None, AccreditationStatus::Active),
                acc(d(2023, 1, 1), None, AccreditationStatus::Revoked),
            ],
        );
        let parts = c.accredited_within(DateRange::new(d(2023, 12, 1), d(2024, 3, 5)).unwrap());
        assert_eq!(
            parts,
            vec![
                DateRange::new(d(2024, 1, 1), d(2024, 2, 10)).unwrap(),
                DateRange::new(d(2024, 3, 1), d(2024, 3, 5)).unwrap()
            ]
        );
    }
}
