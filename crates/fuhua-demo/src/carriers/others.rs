//! QXZT009–QXZT015: a tech incubator, a university science park, a featured
//! block, a maker space, and socially-run bases with revoked, suspended and late
//! accreditations.

use super::*;

/// QXZT009–QXZT015: carriers the waivers do not reach, and troubled records.
pub fn carriers(today: NaiveDate) -> Vec<Planned> {
    let y = today.year();
    let recent = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let mut all = Vec::new();

    let mut c = carrier(
        Base {
            code: 9,
            name: "西海岸新区科技企业孵化器",
            kind: CarrierKind::TechIncubator,
            founding: Founding::Social,
            jurisdiction: places::XINAN,
            address: "青岛西海岸新区辛安街道前湾港路579号",
            area_centi_m2: 920_000,
            workstations: 150,
            operator: places::KECHUANG,
            opened_on: ymd(y - 8, 3, 15),
            contact: ("周鹏", "0532-86702288"),
        },
        None,
    );
    c.accreditations = climb(
        places::XINAN,
        "",
        &[step(Level::District, 6, ymd(y - 6, 12, 1))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            15,
            TECH,
            [50, 5, 5, 40],
            100,
            UnitStyle::Rooms,
            (3_500, 5_000),
            (40, 180),
        ),
    });

    let mut c = carrier(
        Base {
            code: 10,
            name: "西海岸新区大学科技园",
            kind: CarrierKind::UniversitySciencePark,
            founding: Founding::Social,
            jurisdiction: places::CHANGJIANGLU,
            address: "青岛西海岸新区长江西路66号",
            area_centi_m2: 1_550_000,
            workstations: 90,
            operator: places::UNIPARK,
            opened_on: ymd(y - 10, 9, 1),
            contact: ("林晓东", "0532-86057719"),
        },
        None,
    );
    c.accreditations = climb(
        places::CHANGJIANGLU,
        "",
        &[step(Level::District, 2, ymd(y - 7, 10, 20))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            12,
            TECH,
            [80, 0, 0, 20],
            100,
            UnitStyle::Rooms,
            (3_000, 4_500),
            (30, 150),
        ),
    });

    let mut c = carrier(
        Base {
            code: 11,
            name: "薛家岛街道特色创业街区",
            kind: CarrierKind::FeaturedTown,
            founding: Founding::StreetTown,
            jurisdiction: places::XUEJIADAO,
            address: "青岛西海岸新区薛家岛街道银沙滩路100号",
            area_centi_m2: 430_000,
            workstations: 40,
            operator: places::XUEJIADAO_CENTRE,
            opened_on: ymd(y - 6, 6, 18),
            contact: ("逄春梅", "0532-86758810"),
        },
        None,
    );
    c.accreditations = climb(
        places::XUEJIADAO,
        "XJDJD-FH",
        &[step(Level::StreetTown, 3, ymd(y - 5, 9, 1))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            12,
            STREET_SHOPS,
            [30, 25, 15, 30],
            20,
            UnitStyle::Shops,
            (1_200, 2_000),
            (20, 60),
        ),
    });

    // Revoked: a revocation ends valid_until and sets the status (SPEC §3, §4).
    let mut c = carrier(
        Base {
            code: 12,
            name: "青岛凤凰岛创业孵化园",
            kind: CarrierKind::IncubationBase,
            founding: Founding::Social,
            jurisdiction: places::XUEJIADAO,
            address: "青岛西海岸新区薛家岛街道凤凰岛路18号",
            area_centi_m2: 380_500,
            workstations: 64,
            operator: places::FENGHUANG,
            opened_on: ymd(y - 7, 4, 1),
            contact: ("曲海涛", "0532-86751903"),
        },
        None,
    );
    c.accreditations = vec![DemoAccreditation {
        certificate_no: certificate(Level::District, "", y - 6, 9),
        level: Level::District,
        accrediting_body: places::BODY_DISTRICT.to_owned(),
        valid_from: ymd(y - 6, 5, 1),
        valid_until: Some(recent(420)),
        status: AccreditationStatus::Revoked,
        note: Some("核查发现虚报在孵企业数量，依据第（二十五）条撤销认定".to_owned()),
    }];
    all.push(Planned {
        carrier: c,
        profile: profile(
            14,
            OFFICE,
            [40, 25, 10, 25],
            70,
            UnitStyle::Rooms,
            (2_500, 3_500),
            (20, 90),
        ),
    });

    // Suspended pending review after a failed evaluation.
    let mut c = carrier(
        Base {
            code: 13,
            name: "隐珠街道青创孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::Social,
            jurisdiction: places::YINZHU,
            address: "青岛西海岸新区隐珠街道海王路77号",
            area_centi_m2: 295_080,
            workstations: 45,
            operator: places::YINZHU_QINGCHUANG,
            opened_on: ymd(y - 6, 1, 10),
            contact: ("綦磊", "0532-83128816"),
        },
        None,
    );
    c.accreditations = vec![DemoAccreditation {
        certificate_no: certificate(Level::District, "", y - 4, 28),
        level: Level::District,
        accrediting_body: places::BODY_DISTRICT.to_owned(),
        valid_from: ymd(y - 4, 3, 1),
        valid_until: None,
        status: AccreditationStatus::Suspended,
        note: Some("年度绩效评估不合格，暂停认定待复核".to_owned()),
    }];
    all.push(Planned {
        carrier: c,
        profile: profile(
            14,
            OFFICE,
            [45, 25, 10, 20],
            70,
            UnitStyle::Rooms,
            (2_200, 3_200),
            (20, 80),
        ),
    });

    // A socially-run maker space without any accreditation.
    let c = carrier(
        Base {
            code: 14,
            name: "灵感众创空间",
            kind: CarrierKind::MakerSpace,
            founding: Founding::Social,
            jurisdiction: places::CHANGJIANGLU,
            address: "青岛西海岸新区长江路街道井冈山路658号",
            area_centi_m2: 98_060,
            workstations: 40,
            operator: places::LINGGAN,
            opened_on: ymd(y - 5, 8, 8),
            contact: ("白雪", "0532-86996130"),
        },
        None,
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            15,
            OFFICE,
            [70, 5, 0, 25],
            50,
            UnitStyle::Desks,
            (0, 0),
            (6, 12),
        ),
    });

    // Accredited three years ago: tenants from before then get no reduction.
    let mut c = carrier(
        Base {
            code: 15,
            name: "青岛西海岸海洋产业创业孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::Social,
            jurisdiction: places::HUANGDAO,
            address: "青岛西海岸新区黄岛街道漓江西路506号",
            area_centi_m2: 612_000,
            workstations: 80,
            operator: places::LANHAI,
            opened_on: ymd(y - 5, 3, 1),
            contact: ("于文博", "0532-86859077"),
        },
        None,
    );
    c.accreditations = climb(
        places::HUANGDAO,
        "",
        &[step(Level::District, 44, ymd(y - 3, 9, 15))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            20,
            &[
                names::MARINE,
                names::SMART_MFG,
                names::FOOD,
                names::SOFTWARE,
            ],
            [45, 20, 15, 20],
            80,
            UnitStyle::Rooms,
            (2_800, 4_000),
            (30, 150),
        ),
    });

    all
}
