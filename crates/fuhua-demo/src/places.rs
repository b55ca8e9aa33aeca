//! The district, its streets and towns, the organisations and the accrediting
//! bodies (SPEC §7: "the West Coast New Area (黄岛区, region code 370211) with
//! streets and towns such as 长江路街道, 辛安街道, 隐珠街道, 珠海街道, 薛家岛街道 and 王台镇").

use fuhua_core::vocab::AreaKind;

use super::ids::{REGION, credit_code};
use super::model::{Jurisdiction, Organisation, OrganisationKind};

pub const DISTRICT: &str = "370211";
pub const CHANGJIANGLU: &str = "370211001";
pub const XINAN: &str = "370211002";
pub const YINZHU: &str = "370211003";
pub const ZHUHAI: &str = "370211004";
pub const XUEJIADAO: &str = "370211005";
pub const HUANGDAO: &str = "370211006";
pub const LINGZHUSHAN: &str = "370211007";
/// Towns are numbered from 101 in the statistical division codes.
pub const WANGTAI: &str = "370211101";

/// (code, name) of the streets and towns.
const STREETS: [(&str, &str); 8] = [
    (CHANGJIANGLU, "长江路街道"),
    (XINAN, "辛安街道"),
    (YINZHU, "隐珠街道"),
    (ZHUHAI, "珠海街道"),
    (XUEJIADAO, "薛家岛街道"),
    (HUANGDAO, "黄岛街道"),
    (LINGZHUSHAN, "灵珠山街道"),
    (WANGTAI, "王台镇"),
];

/// The district first, then its streets and towns.
pub fn jurisdictions() -> Vec<Jurisdiction> {
    let mut all = vec![Jurisdiction {
        code: DISTRICT.to_owned(),
        name: "黄岛区（西海岸新区）".to_owned(),
        kind: AreaKind::District,
        parent: None,
    }];
    all.extend(STREETS.iter().map(|(code, name)| Jurisdiction {
        code: (*code).to_owned(),
        name: (*name).to_owned(),
        kind: AreaKind::StreetTown,
        parent: Some(REGION.to_owned()),
    }));
    all
}

/// The name of a street or town ("" for an unknown code).
pub fn street_name(code: &str) -> &'static str {
    STREETS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| name)
}

pub const BODY_DISTRICT: &str = "西海岸新区人力资源和社会保障局";
pub const BODY_MUNICIPAL: &str = "青岛市人力资源和社会保障局";
pub const BODY_PROVINCIAL: &str = "山东省人力资源和社会保障厅";
pub const BODY_NATIONAL: &str = "人力资源和社会保障部";

/// The street office or town government that accredits at street/town level.
pub fn street_body(code: &str) -> String {
    let name = street_name(code);
    match name.strip_suffix('镇') {
        Some(_) => format!("青岛西海岸新区{name}人民政府"),
        None => format!("青岛西海岸新区{name}办事处"),
    }
}

/// Every accrediting body the demo uses, lowest level first.
pub fn accrediting_bodies() -> Vec<String> {
    let mut bodies: Vec<String> = [XINAN, ZHUHAI, XUEJIADAO, WANGTAI]
        .iter()
        .map(|code| street_body(code))
        .collect();
    bodies.extend(
        [
            BODY_DISTRICT,
            BODY_MUNICIPAL,
            BODY_PROVINCIAL,
            BODY_NATIONAL,
        ]
        .map(str::to_owned),
    );
    bodies
}

/// An organisation the demo knows, by its fixed credit-code body.
#[derive(Debug, Clone, Copy)]
pub struct Org {
    /// "91" for companies, "12" for public institutions.
    pub prefix: &'static str,
    /// The 9 characters after the region code.
    pub body: &'static str,
    pub name: &'static str,
    pub kind: OrganisationKind,
    pub address: &'static str,
    pub phone: &'static str,
}

impl Org {
    /// The organisation's credit code, with its GB 32100 check character.
    pub fn code(&self) -> String {
        credit_code(self.prefix, self.body).unwrap_or_default()
    }
}

const fn company(
    body: &'static str,
    name: &'static str,
    address: &'static str,
    phone: &'static str,
) -> Org {
    Org {
        prefix: "91",
        body,
        name,
        kind: OrganisationKind::OperatingCompany,
        address,
        phone,
    }
}

const fn centre(
    body: &'static str,
    name: &'static str,
    address: &'static str,
    phone: &'static str,
) -> Org {
    Org {
        prefix: "12",
        body,
        name,
        kind: OrganisationKind::PublicInstitution,
        address,
        phone,
    }
}

pub const QIHANG: Org = company(
    "MA3CFQ2K7",
    "青岛启航创业服务有限公司",
    "青岛西海岸新区长江中路228号创业大厦6层",
    "0532-86981201",
);
pub const ZHONGLIAN: Org = company(
    "MA3D1RT48",
    "青岛众联创客空间运营管理有限公司",
    "青岛西海岸新区珠江路396号",
    "0532-86175532",
);
pub const JIAHE: Org = company(
    "MA3EKW9N2",
    "青岛家和家庭服务管理有限公司",
    "青岛西海岸新区隐珠街道人民路815号",
    "0532-83161708",
);
pub const YUNLING: Org = company(
    "MA3F6LPX1",
    "青岛云岭电商孵化器管理有限公司",
    "青岛西海岸新区嘉陵江东路1117号",
    "0532-86888623",
);
pub const XIAN_QINGCHUANG: Org = company(
    "MA3BX7H05",
    "青岛西岸青创孵化器管理有限公司",
    "青岛西海岸新区滨海大道3399号",
    "0532-80972611",
);
pub const KECHUANG: Org = company(
    "MA3CJ4MD9",
    "青岛西海岸科创孵化器有限公司",
    "青岛西海岸新区辛安街道前湾港路579号",
    "0532-86702288",
);
pub const UNIPARK: Org = company(
    "MA3D8GNU3",
    "青岛西海岸大学科技园发展有限公司",
    "青岛西海岸新区长江西路66号",
    "0532-86057719",
);
pub const FENGHUANG: Org = company(
    "MA3ANY6T4",
    "青岛凤凰岛创业园管理有限公司",
    "青岛西海岸新区薛家岛街道凤凰岛路18号",
    "0532-86751903",
);
pub const YINZHU_QINGCHUANG: Org = company(
    "MA3EH5RB8",
    "青岛隐珠青创孵化基地运营有限公司",
    "青岛西海岸新区隐珠街道海王路77号",
    "0532-83128816",
);
pub const LINGGAN: Org = company(
    "MA3F2QAW6",
    "青岛灵感创客科技有限公司",
    "青岛西海岸新区长江路街道井冈山路658号",
    "0532-86996130",
);
pub const LANHAI: Org = company(
    "MA3G9KCE1",
    "青岛蓝海创业孵化器有限公司",
    "青岛西海岸新区黄岛街道漓江西路506号",
    "0532-86859077",
);
pub const XINAN_CENTRE: Org = centre(
    "MB0D31274",
    "青岛西海岸新区辛安街道便民服务中心",
    "青岛西海岸新区辛安街道昆仑山北路212号",
    "0532-86712345",
);
pub const WANGTAI_CENTRE: Org = centre(
    "MB0E42851",
    "青岛西海岸新区王台镇社会事务服务中心",
    "青岛西海岸新区王台镇王台路1号",
    "0532-84151020",
);
pub const XUEJIADAO_CENTRE: Org = centre(
    "MB0F13968",
    "青岛西海岸新区薛家岛街道社区服务中心",
    "青岛西海岸新区薛家岛街道银沙滩路100号",
    "0532-86758810",
);
/// The third-party evaluator (clause 二十六: "聘请具备相应资质、信誉度较高的第三方机构").
pub const ZHENGHENG: Org = Org {
    prefix: "91",
    body: "MA3H2T7P6",
    name: "青岛正衡绩效评估咨询有限公司",
    kind: OrganisationKind::Evaluator,
    address: "青岛西海岸新区金沙滩路1177号国际经济合作区",
    phone: "0532-86196626",
};

const ORGS: [Org; 15] = [
    QIHANG,
    ZHONGLIAN,
    JIAHE,
    YUNLING,
    XIAN_QINGCHUANG,
    KECHUANG,
    UNIPARK,
    FENGHUANG,
    YINZHU_QINGCHUANG,
    LINGGAN,
    LANHAI,
    XINAN_CENTRE,
    WANGTAI_CENTRE,
    XUEJIADAO_CENTRE,
    ZHENGHENG,
];

/// Every organisation: operators first, the evaluator last.
pub fn organisations() -> Vec<Organisation> {
    ORGS.iter()
        .map(|org| Organisation {
            credit_code: org.code(),
            name: org.name.to_owned(),
            kind: org.kind,
            address: org.address.to_owned(),
            phone: org.phone.to_owned(),
        })
        .collect()
}
