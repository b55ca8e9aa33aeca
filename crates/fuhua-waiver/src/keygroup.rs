//! R-WAIVER-KEYGROUP — clause 七 "高校毕业生（毕业未超过5年）、城乡失业人员、返乡农民工等
//! 重点群体": whether a founder is in one of the district's key groups on the day
//! of the test (the first move-in into a qualifying carrier, SPEC §3).

use chrono::NaiveDate;
use fuhua_core::clauses::{self, rules};
use fuhua_core::dates::add_years;
use fuhua_core::vocab::FounderGroup;
use fuhua_core::{Decision, Lang, ParameterSet, Trace};

use crate::calc::{Founder, KeyGroupTest, Reason};

/// R-WAIVER-KEYGROUP: is `founder` in a key group on `tested_on`? With the
/// parameters in force that day: the group must be in `key_groups`, and a graduate
/// must have graduated at most `graduate_years` years before (graduated_on +
/// `graduate_years`, Feb 29 → Feb 28, ≥ `tested_on`). The trace names the clause.
pub fn key_group_test(
    founder: &Founder,
    tested_on: NaiveDate,
    params: &ParameterSet,
) -> Decision<KeyGroupTest> {
    let mut trace = Trace::new();
    let p = params.at(tested_on);
    let listed = p.key_groups.contains(&founder.group);
    let group_zh = founder.group.label(Lang::Zh);
    let group_en = founder.group.label(Lang::En);
    let in_key_group = match (founder.group, founder.graduated_on) {
        (FounderGroup::Graduate, Some(graduated)) if listed => {
            // 毕业未超过5年: graduated_on + graduate_years (Feb 29 → Feb 28) ≥ the test date.
            let limit = add_years(graduated, p.graduate_years).unwrap_or(NaiveDate::MIN);
            let ok = limit >= tested_on;
            trace.step(
                rules::WAIVER_KEYGROUP,
                &clauses::KEY_GROUP,
                format!(
                    "重点群体身份在首次入驻符合条件载体之日（{tested_on}）认定：{graduated}毕业，{}年期满日为{limit}，{}",
                    p.graduate_years,
                    if ok { "未超过年限，属于重点群体" } else { "已超过年限，不属于重点群体" }
                ),
                format!(
                    "key-group status is tested on the first move-in into a qualifying carrier ({tested_on}): graduated {graduated}, {} years end on {limit}, {}",
                    p.graduate_years,
                    if ok { "so the founder is a key group" } else { "so the founder is no longer a key group" }
                ),
            );
            ok
        }
        _ => {
            trace.step(
                rules::WAIVER_KEYGROUP,
                &clauses::KEY_GROUP,
                format!(
                    "重点群体身份在首次入驻符合条件载体之日（{tested_on}）认定：创业者为{group_zh}，{}",
                    if listed { "属于重点群体" } else { "不在区确定的重点群体名单内" }
                ),
                format!(
                    "key-group status is tested on the first move-in into a qualifying carrier ({tested_on}): the founder is a {group_en}, {}",
                    if listed { "a key group" } else { "not on the district's list of key groups" }
                ),
            );
            listed
        }
    };
    Decision::new(
        KeyGroupTest {
            tested_on,
            in_key_group,
        },
        trace,
    )
}

/// Why a founder failed the key-group test: a listed graduate graduated too long
/// ago, anyone else is not in a listed group.
pub(crate) fn founder_reason(
    founder: &Founder,
    test: Option<KeyGroupTest>,
    params: &ParameterSet,
) -> Reason {
    let listed = test.is_some_and(|t| params.at(t.tested_on).key_groups.contains(&founder.group));
    if founder.group == FounderGroup::Graduate && listed {
        Reason::GraduateTooLongAgo
    } else {
        Reason::FounderNotKeyGroup
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn graduate(on: NaiveDate) -> Founder {
        Founder {
            group: FounderGroup::Graduate,
            graduated_on: Some(on),
        }
    }

    #[test]
    fn a_graduate_is_a_key_group_up_to_and_including_the_fifth_anniversary() {
        let params = ParameterSet::defaults();
        let founder = graduate(d(2020, 7, 1));
        let on_the_day = key_group_test(&founder, d(2025, 7, 1), &params);
        assert!(on_the_day.value.in_key_group);
        assert_eq!(on_the_day.value.tested_on, d(2025, 7, 1));
        let day_after = key_group_test(&founder, d(2025, 7, 2), &params);
        assert!(!day_after.value.in_key_group);
        assert!(day_after.trace.mentions(rules::WAIVER_KEYGROUP));
        assert!(day_after.trace.steps()[0].detail.en.contains("2025-07-01"));
    }

    #[test]
    fn the_unemployed_are_a_key_group_and_other_founders_are_not() {
        let params = ParameterSet::defaults();
        let day = d(2026, 3, 1);
        let unemployed = Founder {
            group: FounderGroup::Unemployed,
            graduated_on: None,
        };
        let other = Founder {
            group: FounderGroup::Other,
            graduated_on: None,
        };
        assert!(key_group_test(&unemployed, day, &params).value.in_key_group);
        assert!(!key_group_test(&other, day, &params).value.in_key_group);
        assert_eq!(
            founder_reason(&other, None, &params),
            Reason::FounderNotKeyGroup
        );
    }
}
