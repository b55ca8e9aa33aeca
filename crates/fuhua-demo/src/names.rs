//! Common Chinese names and business names for the demo (SPEC §7: "founders with
//! common Chinese names"). The surname list leans towards Shandong's, with a few
//! Qingdao names (曲, 隋, 逄, 綦).

use rand::RngExt;
use rand::rngs::StdRng;

/// Surnames; the first twelve are the most common and are drawn twice as often.
const SURNAMES: [&str; 60] = [
    "王", "张", "李", "刘", "赵", "孙", "杨", "陈", "徐", "于", "高", "马", "宋", "郭", "姜", "崔",
    "曲", "隋", "逄", "綦", "周", "吴", "胡", "朱", "林", "何", "韩", "冯", "董", "袁", "潘", "蒋",
    "蔡", "薛", "吕", "丁", "任", "沈", "姚", "卢", "钟", "谭", "陆", "范", "金", "石", "贾", "夏",
    "方", "白", "孟", "秦", "邱", "尹", "段", "侯", "史", "邵", "毛", "苏",
];

/// Given names of men born in the 1970s and 1980s.
const MALE_OLDER: [&str; 24] = [
    "建国", "建华", "志强", "国庆", "永刚", "春雷", "海涛", "立新", "卫东", "红军", "伟", "强",
    "军", "勇", "刚", "斌", "明", "峰", "涛", "鹏", "磊", "杰", "健", "亮",
];

/// Given names of men born in the 1990s and 2000s.
const MALE_YOUNGER: [&str; 24] = [
    "子豪", "浩然", "宇航", "俊杰", "梓轩", "博文", "晨阳", "一鸣", "皓宇", "明轩", "泽宇", "文博",
    "天宇", "嘉豪", "凯", "帅", "超", "宇", "浩", "鑫", "昊", "晨", "阳", "琦",
];

/// Given names of women born in the 1970s and 1980s.
const FEMALE_OLDER: [&str; 24] = [
    "秀英", "桂英", "红梅", "春梅", "丽娟", "海燕", "玉兰", "晓燕", "丽娜", "淑珍", "芳", "娜",
    "敏", "静", "丽", "艳", "娟", "霞", "萍", "红", "燕", "玲", "英", "华",
];

/// Given names of women born in the 1990s and 2000s.
const FEMALE_YOUNGER: [&str; 24] = [
    "欣怡", "梦琪", "雨涵", "佳怡", "思雨", "晓雪", "诗涵", "可馨", "雨欣", "紫涵", "婷婷", "佳琪",
    "婷", "雪", "琳", "颖", "倩", "洁", "璐", "悦", "瑶", "楠", "彤", "蕾",
];

/// Characters for trade names (字号); two are joined.
const TRADE_SYLLABLES: [&str; 40] = [
    "海", "蓝", "启", "智", "创", "博", "远", "新", "华", "瑞", "诚", "鑫", "宏", "达", "恒", "晟",
    "卓", "尚", "云", "星", "帆", "泽", "润", "和", "信", "安", "嘉", "禾", "融", "汇", "景", "泰",
    "旭", "航", "悦", "源", "澜", "峰", "岚", "琴",
];

/// Schools the district's graduates come from (real universities in and near
/// the West Coast New Area).
pub const SCHOOLS: [&str; 8] = [
    "中国石油大学（华东）",
    "山东科技大学",
    "青岛理工大学",
    "青岛黄海学院",
    "青岛滨海学院",
    "青岛大学",
    "中国海洋大学",
    "青岛职业技术学院",
];

/// A person's full name, the given name fitting the birth decade and gender.
pub fn person_name(rng: &mut StdRng, birth_year: i32, male: bool) -> String {
    // Indexes beyond the list fold back onto the twelve most common surnames.
    let pick = rng.random_range(0..SURNAMES.len() + 12);
    let surname = SURNAMES[if pick < SURNAMES.len() {
        pick
    } else {
        pick - SURNAMES.len()
    }];
    let given: &[&str] = match (male, birth_year < 1990) {
        (true, true) => &MALE_OLDER,
        (true, false) => &MALE_YOUNGER,
        (false, true) => &FEMALE_OLDER,
        (false, false) => &FEMALE_YOUNGER,
    };
    format!("{surname}{}", given[rng.random_range(0..given.len())])
}

/// A trade name (字号) of two different characters.
pub fn trade_name(rng: &mut StdRng) -> String {
    let first = rng.random_range(0..TRADE_SYLLABLES.len());
    let mut second = rng.random_range(0..TRADE_SYLLABLES.len() - 1);
    if second >= first {
        second += 1;
    }
    format!("{}{}", TRADE_SYLLABLES[first], TRADE_SYLLABLES[second])
}

/// An industry: what an enterprise's name says and what an individual business's
/// shop sign says.
#[derive(Debug, Clone, Copy)]
pub struct Industry {
    pub label: &'static str,
    /// Used in an enterprise name: 青岛{字号}{enterprise}有限公司.
    pub enterprise: &'static str,
    /// Used in an individual business name: 黄岛区{字号}{shop}.
    pub shop: &'static str,
}

const fn industry(label: &'static str, enterprise: &'static str, shop: &'static str) -> Industry {
    Industry {
        label,
        enterprise,
        shop,
    }
}

pub const SOFTWARE: Industry = industry("软件和信息技术服务", "信息技术", "软件工作室");
pub const INTERNET: Industry = industry("互联网服务", "网络科技", "网络工作室");
pub const ECOMMERCE: Industry = industry("电子商务", "电子商务", "电商工作室");
pub const MEDIA: Industry = industry("文化传媒", "文化传媒", "摄影工作室");
pub const DESIGN: Industry = industry("设计服务", "设计", "设计工作室");
pub const EDUCATION: Industry = industry("教育咨询", "教育咨询", "培训部");
pub const HOUSEKEEPING: Industry = industry("家政服务", "家政服务", "家政服务部");
pub const ELDERLY: Industry = industry("养老服务", "健康养老服务", "养老服务部");
pub const MATERNITY: Industry = industry("母婴护理", "母婴护理服务", "母婴护理中心");
pub const CATERING: Industry = industry("餐饮", "餐饮管理", "小吃店");
pub const FOOD: Industry = industry("食品", "食品", "烘焙坊");
pub const AGRITECH: Industry = industry("现代农业", "农业科技", "农产品经营部");
pub const MARINE: Industry = industry("海洋科技", "海洋科技", "海产品经营部");
pub const LOGISTICS: Industry = industry("物流", "供应链管理", "快递服务部");
pub const RETAIL: Industry = industry("零售", "商贸", "便利店");
pub const CRAFTS: Industry = industry("文创手工", "文化创意", "手工坊");
pub const REPAIR: Industry = industry("维修服务", "机电设备", "家电维修部");
pub const SMART_MFG: Industry = industry("智能制造", "智能装备", "机械加工部");

/// An enterprise name: 青岛{字号}{行业}有限公司.
pub fn enterprise_name(trade: &str, industry: Industry) -> String {
    format!("青岛{trade}{}有限公司", industry.enterprise)
}

/// An individual business name: 青岛西海岸新区{字号}{店}.
pub fn shop_name(trade: &str, industry: Industry) -> String {
    format!("青岛西海岸新区{trade}{}", industry.shop)
}
