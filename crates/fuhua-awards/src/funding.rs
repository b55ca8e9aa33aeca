//! Which fund source pays each award programme (SPEC §3 "fund source").

use fuhua_core::vocab::FundingSource;
use fuhua_core::vocabulary;

vocabulary! {
    /// The award programmes that draw on a fixed fund source. Full-waiver
    /// settlements are not here: they draw on the stay's own funding source
    /// (`district_finance`, or `street_town_budget` for street/town carriers).
    Programme {
        Ladder = "ladder", "示范基地阶梯奖补", "ladder award for demonstration bases";
        Area = "area", "创业型区（市）、街道（镇）奖补", "entrepreneurial-area award";
        Operating = "operating", "运营经费补助", "operating subsidy";
        KeyGroupSettlement = "key_group_settlement", "重点群体租金减免结算", "key-group reduction settlement";
    }
}

/// The fund source a programme draws on.
pub fn funding_source(programme: Programme) -> FundingSource {
    match programme {
        // R-AWARD-LADDER, clause 七: "青岛市按规定给予"; R-AWARD-AREA, clause 七:
        // "由市财政分别给予".
        Programme::Ladder | Programme::Area => FundingSource::MunicipalFinance,
        // R-AWARD-OPERATING, clause 七: "由财政部门从购买公共就业创业服务成果渠道给予奖补";
        // R-AWARD-KEYGROUP, clause 七: "由区纳入创业孵化基地（园区）扶持政策，统筹给予奖补".
        Programme::Operating | Programme::KeyGroupSettlement => FundingSource::DistrictFinance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladder_and_area_awards_are_paid_by_the_city_and_the_rest_by_the_district() {
        assert_eq!(
            funding_source(Programme::Ladder),
            FundingSource::MunicipalFinance
        );
        assert_eq!(
            funding_source(Programme::Area),
            FundingSource::MunicipalFinance
        );
        assert_eq!(
            funding_source(Programme::Operating),
            FundingSource::DistrictFinance
        );
        assert_eq!(
            funding_source(Programme::KeyGroupSettlement),
            FundingSource::DistrictFinance
        );
        assert_eq!("ladder".parse::<Programme>(), Ok(Programme::Ladder));
    }
}
