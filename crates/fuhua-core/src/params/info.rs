//! Where each parameter's number comes from: origin, clause and meaning.

use super::{Origin, ParamInfo, ParamKey};
use crate::clauses;
use crate::lang::Text;

impl ParamKey {
    /// Origin, clause and meaning of the parameter (shown to officials and in
    /// docs/POLICY.md).
    pub fn info(self) -> ParamInfo {
        use Origin::{District, Policy};
        use ParamKey as K;
        let (origin, clause, meaning, reason) = match self {
            K::WaiverWindowMonths => (
                Policy,
                clauses::WINDOW,
                Text::new(
                    "租金减免期限（月）",
                    "length of the rent-waiver window in months",
                ),
                Text::new(
                    "政策原文“3年内”，即36个月",
                    "the policy says “3年内” (within 3 years): 36 months",
                ),
            ),
            K::GraduateYears => (
                Policy,
                clauses::KEY_GROUP,
                Text::new(
                    "高校毕业生毕业后可认定为重点群体的年限",
                    "years after graduation a graduate counts as a key group",
                ),
                Text::new(
                    "政策原文“毕业未超过5年”",
                    "the policy says “毕业未超过5年” (graduated no more than 5 years ago)",
                ),
            ),
            K::KeyGroups => (
                District,
                clauses::KEY_GROUP,
                Text::new(
                    "享受租金减免的重点群体",
                    "founder groups that count as key groups",
                ),
                Text::new(
                    "政策列举高校毕业生、城乡失业人员、返乡农民工后以“等”结尾，未穷尽，故由区确定名单",
                    "the policy lists graduates, the unemployed and returning migrant workers and ends with 等 (etc.), so the district keeps the list",
                ),
            ),
            K::KeygroupReductionRate => (
                District,
                clauses::KEY_GROUP,
                Text::new(
                    "重点群体租金减免比例",
                    "share of rent reduced for key groups",
                ),
                Text::new(
                    "政策只说“租金减免”未给比例，默认1.00（全额）",
                    "the policy says “租金减免” without a rate; the default 1.00 (all of it) is ours",
                ),
            ),
            K::KeygroupReductionCapPerMonth => (
                District,
                clauses::KEY_GROUP,
                Text::new(
                    "重点群体每月减免上限（元）",
                    "monthly cap of the key-group reduction in yuan",
                ),
                Text::new(
                    "政策未设上限，默认不设",
                    "the policy sets no cap; none by default",
                ),
            ),
            K::ExtensionMaxMonths => (
                District,
                clauses::EXTENSION,
                Text::new(
                    "单次延长孵化期上限（月）",
                    "most months one extension may add",
                ),
                Text::new(
                    "政策只说“可适当延长”，上限由区确定",
                    "the policy says only “可适当延长” (may be extended as appropriate); the cap is ours",
                ),
            ),
            K::ExtensionTotalMaxMonths => (
                District,
                clauses::EXTENSION,
                Text::new(
                    "累计延长孵化期上限（月）",
                    "most months all extensions together may add",
                ),
                Text::new(
                    "政策未设总上限，默认24个月",
                    "the policy sets no total; 24 months is ours",
                ),
            ),
            K::ExtensionExtendsWaiver => (
                District,
                clauses::EXTENSION,
                Text::new(
                    "延长孵化期是否同时延长租金减免期",
                    "whether an extension also lengthens the rent-waiver window",
                ),
                Text::new(
                    "政策延长的是“孵化周期”，是否延长减免期由区确定，默认延长",
                    "the policy extends the incubation period; whether the waiver follows is the district's choice (default yes)",
                ),
            ),
            K::WindowPerFounder => (
                District,
                clauses::WINDOW,
                Text::new(
                    "同一创业者名下实体共用一个减免期",
                    "a founder's later entities share the first entity's window",
                ),
                Text::new(
                    "政策按“入驻创业实体”给予，默认按实体计算",
                    "the policy grants the waiver per entering entity; off by default",
                ),
            ),
            K::LadderMunicipalCap => (
                Policy,
                clauses::LADDER,
                Text::new(
                    "市级示范基地奖补上限（元）",
                    "cap of the municipal demonstration award in yuan",
                ),
                Text::new(
                    "政策原文“最高500万元”",
                    "the policy says “最高500万元” (up to 5,000,000 yuan)",
                ),
            ),
            K::LadderProvincialStep => (
                Policy,
                clauses::LADDER,
                Text::new(
                    "省级示范基地阶梯奖补（元）",
                    "provincial ladder step in yuan",
                ),
                Text::new(
                    "政策原文“再分别给予100万元”",
                    "the policy says “再分别给予100万元” (a further 1,000,000 yuan)",
                ),
            ),
            K::LadderNationalStep => (
                Policy,
                clauses::LADDER,
                Text::new(
                    "国家级示范基地阶梯奖补（元）",
                    "national ladder step in yuan",
                ),
                Text::new(
                    "政策原文“200万元一次性奖补”",
                    "the policy says “200万元一次性奖补” (a one-time 2,000,000 yuan)",
                ),
            ),
            K::LadderMode => (
                District,
                clauses::LADDER,
                Text::new("阶梯奖补计算方式", "how the ladder award is computed"),
                Text::new(
                    "“差额阶梯奖补”可理解为逐级定额或补足累计上限差额，默认逐级定额",
                    "“差额阶梯奖补” can be read as fixed steps or as topping up to the cumulative cap; fixed steps by default",
                ),
            ),
            K::AreaCapDistrict => (
                Policy,
                clauses::AREA,
                Text::new(
                    "创业型区（市）奖补上限（元）",
                    "cap of the entrepreneurial-district award in yuan",
                ),
                Text::new(
                    "政策原文“最高100万元”",
                    "the policy says “最高100万元” (up to 1,000,000 yuan)",
                ),
            ),
            K::AreaCapStreetTown => (
                Policy,
                clauses::AREA,
                Text::new(
                    "创业型街道（镇）奖补上限（元）",
                    "cap of the entrepreneurial street/town award in yuan",
                ),
                Text::new(
                    "政策原文“50万元”",
                    "the policy says “50万元” (500,000 yuan)",
                ),
            ),
            K::EvaluationScheme => (
                District,
                clauses::THIRD_PARTY,
                Text::new("默认绩效评估方案", "default evaluation scheme"),
                Text::new(
                    "政策要求开展绩效评估但未给指标，指标体系由区制定",
                    "the policy calls for performance evaluation without indicators; the scheme is ours",
                ),
            ),
            K::GradeCoefficients => (
                District,
                clauses::OPERATING,
                Text::new(
                    "评估等次对应的运营补助系数",
                    "operating-subsidy coefficient per grade",
                ),
                Text::new(
                    "政策给予“房租和运营经费补助”未附条件，按等次发放是区的选择",
                    "the policy grants “房租和运营经费补助” without conditions; paying by grade is the district's choice",
                ),
            ),
            K::EvalFlagTolerance => (
                District,
                clauses::THIRD_PARTY,
                Text::new(
                    "自评与核实值差异预警阈值",
                    "difference between self-report and verification that is flagged",
                ),
                Text::new(
                    "第三方实地核实的容差由区确定，默认10%",
                    "the tolerance of third-party verification is ours: 10 %",
                ),
            ),
            K::BaseOperatingSubsidy => (
                District,
                clauses::OPERATING,
                Text::new(
                    "运营补助基数（元/年）",
                    "base operating subsidy in yuan per year",
                ),
                Text::new(
                    "政策未定金额，默认0（区设定前不发放）",
                    "the policy sets no amount; 0 until the district sets one",
                ),
            ),
            K::RevocationReviewAfterFails => (
                District,
                clauses::SUPERVISION,
                Text::new(
                    "连续几次不合格触发撤销认定复核",
                    "consecutive fail grades that flag the accreditation for review",
                ),
                Text::new(
                    "撤销规则为区的选择，默认连续2次",
                    "the revocation rule is ours: two in a row",
                ),
            ),
            K::ReportDueDay => (
                District,
                clauses::FUNDS,
                Text::new(
                    "月报截止日（次月几日）",
                    "day of the next month monthly reports are due",
                ),
                Text::new(
                    "默认次月10日，遇周末和节假日顺延",
                    "the 10th of the next month, moved past weekends and holidays",
                ),
            ),
            K::Holidays => (
                District,
                clauses::FUNDS,
                Text::new(
                    "法定节假日（用于顺延截止日）",
                    "public holidays (to move deadlines)",
                ),
                Text::new(
                    "按国务院办公厅每年公布的放假安排维护",
                    "kept from the State Council's yearly holiday notice",
                ),
            ),
            K::Workdays => (
                District,
                clauses::FUNDS,
                Text::new(
                    "调休上班日（周末也按工作日计）",
                    "make-up working days (working days even on a weekend)",
                ),
                Text::new(
                    "按国务院办公厅每年公布的放假安排维护",
                    "kept from the State Council's yearly holiday notice",
                ),
            ),
        };
        ParamInfo {
            key: self,
            origin,
            clause,
            meaning,
            reason,
        }
    }
}
