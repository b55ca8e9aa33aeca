//! The passages of 青西新管办发〔2018〕146号 that Fuhua applies, quoted as written,
//! and the SPEC rule ids that cite them.

use crate::trace::Clause;

/// SPEC §3 rule ids.
pub mod rules {
    pub const WAIVER_FULL: &str = "R-WAIVER-FULL";
    pub const WAIVER_KEYGROUP: &str = "R-WAIVER-KEYGROUP";
    pub const WAIVER_NONE: &str = "R-WAIVER-NONE";
    pub const WAIVER_WINDOW: &str = "R-WAIVER-WINDOW";
    pub const WAIVER_EXTEND: &str = "R-WAIVER-EXTEND";
    pub const WAIVER_LEDGER: &str = "R-WAIVER-LEDGER";
    pub const AWARD_LADDER: &str = "R-AWARD-LADDER";
    pub const AWARD_AREA: &str = "R-AWARD-AREA";
    pub const AWARD_OPERATING: &str = "R-AWARD-OPERATING";
    pub const AWARD_KEYGROUP: &str = "R-AWARD-KEYGROUP";
    pub const AWARD_BUDGET: &str = "R-AWARD-BUDGET";
    pub const EVAL: &str = "R-EVAL";
}

/// (七) Government-created bases waive rent for 3 years.
pub const FULL_WAIVER: Clause = Clause::new(
    "七",
    "政府直接投资、租赁或以购买服务方式创建的创业孵化基地(园区)、家庭服务业基地(园区),可对入驻创业实体实施3年内租金全免政策",
);

/// (七) Who pays for the full waiver.
pub const FULL_WAIVER_FUNDING: Clause = Clause::new(
    "七",
    "由区财政部门按购买基本就业创业服务成果渠道,从就业补助资金和创业带动就业扶持资金中统筹安排,并给予房租和运营经费补助;由街道(镇)创办的载体(园区),补助资金由街道(镇)自行承担",
);

/// (七) Key groups in accredited socially-run bases.
pub const KEY_GROUP: Clause = Clause::new(
    "七",
    "毕业未超过5年的高校毕业生、城乡失业人员、返乡农民工等重点群体，入驻由社会力量创建、经评估认定的各级创业孵化基地（园区），可享受3年内租金减免",
);

/// (七) Who pays for the key-group reduction.
pub const KEY_GROUP_FUNDING: Clause =
    Clause::new("七", "由区纳入创业孵化基地（园区）扶持政策，统筹给予奖补");

/// (七) The 3-year window ("3年内") shared by both waivers.
pub const WINDOW: Clause = Clause::new(
    "七",
    "可对入驻创业实体实施3年内租金全免政策 … 可享受3年内租金减免",
);

/// (七) Extensions of the incubation period.
pub const EXTENSION: Clause = Clause::new(
    "七",
    "健全创业孵化机制，对确有需要的创业企业，可适当延长孵化周期",
);

/// (七) The tiered ladder award for demonstration bases.
pub const LADDER: Clause = Clause::new(
    "七",
    "对认定为市级创业孵化示范基地(园区)的,青岛市按规定给予最高500万元奖补;对按级次又被认定为省级、国家级创业孵化示范基地(园区)的,按照差额阶梯奖补的原则,再分别给予100万元、200万元一次性奖补",
);

/// (七) Awards for entrepreneurial districts and streets/towns.
pub const AREA: Clause = Clause::new(
    "七",
    "开展创业型区（市）、创业型街道（镇）创建活动，创建成功的由市财政分别给予最高100万元、50万元一次性奖补",
);

/// (七) Professional operators paid from the purchase-of-results channel.
pub const OPERATING: Clause = Clause::new(
    "七",
    "鼓励采取政府购买服务、公办民营等形式吸引专业化服务机构从事创业孵化基地（园区）、家庭服务业基地（园区）运营管理，由财政部门从购买公共就业创业服务成果渠道给予奖补",
);

/// (二十六) Third-party verification and performance evaluation.
pub const THIRD_PARTY: Clause = Clause::new(
    "二十六",
    "完善政府购买服务成果机制，聘请具备相应资质、信誉度较高的第三方机构，承担就业创业补贴政策实地核实、信息采集、绩效评估等工作",
);

/// (二十六) Budgets and their supervision.
pub const FUNDS: Clause = Clause::new(
    "二十六",
    "根据就业状况和工作目标，在财政预算中合理安排就业创业资金，强化资金预算执行和监督，开展资金使用绩效评价，提高资金使用效益",
);

/// (二十五) Accountability for carrying out the policy.
pub const SUPERVISION: Clause = Clause::new(
    "二十五",
    "强化督查问责和政策落实绩效评估，健全激励机制和容错纠错机制",
);
