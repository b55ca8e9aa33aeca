//! QXZT001–QXZT008 (SPEC §7: "carriers with plausible names").

use super::*;

/// QXZT001–QXZT008: the bases the waiver and award clauses are about.
pub fn carriers(today: NaiveDate) -> Vec<Planned> {
    let y = today.year();
    let recent = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    let mut all = Vec::new();

    // 1. The flagship: government-invested, entrusted to 启航, national demonstration.
    let mut c = carrier(
        Base {
            code: 1,
            name: "西海岸新区大学生创业孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::GovInvested,
            jurisdiction: places::DISTRICT,
            address: "青岛西海岸新区长江中路228号创业大厦",
            area_centi_m2: 1_268_050,
            workstations: 170,
            operator: places::QIHANG,
            opened_on: ymd(y - 9, 5, 20),
            contact: ("刘洋", "0532-86981201"),
        },
        contract(1, ymd(y - 1, 1, 1), ymd(y + 1, 12, 31)),
    );
    c.accreditations = climb(
        places::DISTRICT,
        "",
        &[
            step(Level::District, 3, ymd(y - 8, 6, 15)),
            step(Level::Municipal, 11, ymd(y - 3, 3, 18)),
            step(Level::Provincial, 27, ymd(y - 2, 5, 10)),
            step(Level::National, 46, recent(150)),
        ],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            44,
            OFFICE,
            [70, 10, 5, 15],
            80,
            UnitStyle::Rooms,
            (2_800, 4_200),
            (20, 120),
        ),
    });

    // 2. Socially run, accredited: key-group reductions; municipal step paid, now provincial.
    let mut c = carrier(
        Base {
            code: 2,
            name: "青岛西海岸青年创新创业孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::Social,
            jurisdiction: places::ZHUHAI,
            address: "青岛西海岸新区滨海大道3399号",
            area_centi_m2: 856_020,
            workstations: 210,
            operator: places::XIAN_QINGCHUANG,
            opened_on: ymd(y - 7, 9, 1),
            contact: ("孙浩", "0532-80972611"),
        },
        None,
    );
    c.accreditations = climb(
        places::ZHUHAI,
        "",
        &[
            step(Level::District, 8, ymd(y - 6, 4, 12)),
            step(Level::Municipal, 19, ymd(y - 2, 4, 20)),
            step(Level::Provincial, 62, recent(65)),
        ],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            32,
            OFFICE,
            [45, 25, 10, 20],
            85,
            UnitStyle::Rooms,
            (3_500, 5_500),
            (25, 140),
        ),
    });

    // 3. Street-run household-service base: street level, then district.
    let mut c = carrier(
        Base {
            code: 3,
            name: "辛安街道家庭服务业基地",
            kind: CarrierKind::HouseholdServiceBase,
            founding: Founding::StreetTown,
            jurisdiction: places::XINAN,
            address: "青岛西海岸新区辛安街道昆仑山北路212号",
            area_centi_m2: 318_075,
            workstations: 60,
            operator: places::XINAN_CENTRE,
            opened_on: ymd(y - 7, 3, 1),
            contact: ("宋海燕", "0532-86712345"),
        },
        None,
    );
    c.accreditations = climb(
        places::XINAN,
        "XAJD-FH",
        &[
            step(Level::StreetTown, 1, ymd(y - 6, 3, 1)),
            step(Level::District, 21, ymd(y - 4, 9, 1)),
        ],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            20,
            HOUSEHOLD,
            [10, 45, 25, 20],
            35,
            UnitStyle::Shops,
            (2_000, 3_000),
            (25, 90),
        ),
    });

    // 4. Street-run maker space, entrusted: no waiver (maker spaces are not covered).
    let mut c = carrier(
        Base {
            code: 4,
            name: "珠海街道众创空间",
            kind: CarrierKind::MakerSpace,
            founding: Founding::StreetTown,
            jurisdiction: places::ZHUHAI,
            address: "青岛西海岸新区珠江路396号",
            area_centi_m2: 152_040,
            workstations: 32,
            operator: places::ZHONGLIAN,
            opened_on: ymd(y - 6, 4, 18),
            contact: ("马超", "0532-86175532"),
        },
        contract(4, ymd(y - 2, 7, 1), ymd(y + 1, 6, 30)),
    );
    c.accreditations = climb(
        places::ZHUHAI,
        "ZHJD-FH",
        &[step(Level::StreetTown, 2, ymd(y - 5, 5, 8))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            18,
            OFFICE,
            [75, 5, 5, 15],
            55,
            UnitStyle::Desks,
            (0, 0),
            (6, 12),
        ),
    });

    // 5. Government-leased incubation base, entrusted to 启航 as well.
    let mut c = carrier(
        Base {
            code: 5,
            name: "西海岸新区青年创业孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::GovLeased,
            jurisdiction: places::CHANGJIANGLU,
            address: "青岛西海岸新区长江路街道香江路88号",
            area_centi_m2: 520_000,
            workstations: 96,
            operator: places::QIHANG,
            opened_on: ymd(y - 6, 10, 10),
            contact: ("刘洋", "0532-86981201"),
        },
        contract(5, ymd(y - 2, 1, 1), ymd(y, 12, 31)),
    );
    c.accreditations = climb(
        places::CHANGJIANGLU,
        "",
        &[step(Level::District, 15, ymd(y - 5, 11, 15))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            28,
            OFFICE,
            [55, 20, 5, 20],
            75,
            UnitStyle::Rooms,
            (2_500, 3_800),
            (20, 100),
        ),
    });

    // 6. Household-service park created by purchase of services; its contract ends soon.
    let end = month_end_after(today, 2);
    let start = ymd(end.year() - 3, end.month(), 1);
    let mut c = carrier(
        Base {
            code: 6,
            name: "隐珠街道家庭服务业孵化园",
            kind: CarrierKind::HouseholdServiceBase,
            founding: Founding::GovPurchasedService,
            jurisdiction: places::YINZHU,
            address: "青岛西海岸新区隐珠街道人民路815号",
            area_centi_m2: 246_530,
            workstations: 66,
            operator: places::JIAHE,
            opened_on: ymd(y - 5, 6, 1),
            contact: ("郭静", "0532-83161708"),
        },
        contract(6, start, end),
    );
    c.accreditations = climb(
        places::YINZHU,
        "",
        &[step(Level::District, 31, ymd(y - 4, 6, 1))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            18,
            HOUSEHOLD,
            [10, 50, 20, 20],
            30,
            UnitStyle::Shops,
            (1_800, 2_800),
            (25, 80),
        ),
    });

    // 7. Government-leased e-commerce base where the district switched the waiver off.
    let mut c = carrier(
        Base {
            code: 7,
            name: "西海岸新区电子商务创业孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::GovLeased,
            jurisdiction: places::DISTRICT,
            address: "青岛西海岸新区嘉陵江东路1117号电商产业园",
            area_centi_m2: 689_000,
            workstations: 70,
            operator: places::YUNLING,
            opened_on: ymd(y - 6, 2, 20),
            contact: ("韩梅", "0532-86888623"),
        },
        contract(7, ymd(y - 1, 4, 1), ymd(y + 2, 3, 31)),
    );
    // R-WAIVER-FULL: the policy says "可" (may); here the district has switched it off.
    c.waives_rent = false;
    c.accreditations = climb(
        places::DISTRICT,
        "",
        &[step(Level::District, 12, ymd(y - 5, 8, 20))],
    );
    all.push(Planned {
        carrier: c,
        profile: profile(
            20,
            &[names::ECOMMERCE, names::LOGISTICS, names::DESIGN],
            [40, 20, 15, 25],
            70,
            UnitStyle::Rooms,
            (3_000, 4_500),
            (20, 110),
        ),
    });

    // 8. Town-run base for returning migrant workers; its street-level record expired.
    let mut c = carrier(
        Base {
            code: 8,
            name: "王台镇返乡创业孵化基地",
            kind: CarrierKind::IncubationBase,
            founding: Founding::StreetTown,
            jurisdiction: places::WANGTAI,
            address: "青岛西海岸新区王台镇驻地王台路1号",
            area_centi_m2: 410_260,
            workstations: 72,
            operator: places::WANGTAI_CENTRE,
            opened_on: ymd(y - 7, 5, 1),
            contact: ("隋建华", "0532-84151020"),
        },
        None,
    );
    c.accreditations = vec![
        DemoAccreditation {
            certificate_no: certificate(Level::StreetTown, "WTZ-FH", y - 6, 1),
            level: Level::StreetTown,
            accrediting_body: places::street_body(places::WANGTAI),
            valid_from: ymd(y - 6, 7, 1),
            valid_until: Some(ymd(y - 3, 6, 30)),
            status: AccreditationStatus::Expired,
            note: Some("有效期届满".to_owned()),
        },
        DemoAccreditation {
            certificate_no: certificate(Level::District, "", y - 3, 37),
            level: Level::District,
            accrediting_body: places::BODY_DISTRICT.to_owned(),
            valid_from: ymd(y - 3, 9, 1),
            valid_until: None,
            status: AccreditationStatus::Active,
            note: None,
        },
    ];
    all.push(Planned {
        carrier: c,
        profile: profile(
            18,
            RURAL,
            [10, 20, 55, 15],
            40,
            UnitStyle::Shops,
            (1_000, 1_800),
            (30, 160),
        ),
    });

    all
}
