//! The monthly ledger of a whole district: 100,000 tenants × 36 months.
#![allow(clippy::unwrap_used, missing_docs)]

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use fuhua_accreditation::{Accreditation, Carrier};
use fuhua_core::vocab::{AccreditationStatus, CarrierKind, FounderGroup, Founding, Level};
use fuhua_core::{Money, ParameterSet};
use fuhua_waiver::{Founder, Stay, WaiverInput, calculate};

const TENANTS: usize = 100_000;

/// A district's tenants: two thirds in government bases, one third key groups in
/// accredited social bases; each stays 36 months from a move-in spread over a year.
fn district() -> Vec<WaiverInput> {
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    (0..TENANTS)
        .map(|i| {
            let move_in = start + Duration::days((i % 365) as i64);
            let move_out = fuhua_core::dates::period_last_day(move_in, 36).unwrap();
            let carrier = if i % 3 == 0 {
                Carrier {
                    kind: CarrierKind::IncubationBase,
                    founding: Founding::Social,
                    waives_rent: true,
                    accreditations: vec![Accreditation {
                        level: Level::District,
                        valid_from: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                        valid_until: None,
                        status: AccreditationStatus::Active,
                    }],
                }
            } else {
                Carrier {
                    kind: CarrierKind::IncubationBase,
                    founding: Founding::GovInvested,
                    waives_rent: true,
                    accreditations: vec![],
                }
            };
            WaiverInput {
                founder: Founder {
                    group: FounderGroup::Unemployed,
                    graduated_on: None,
                },
                stays: vec![Stay {
                    carrier,
                    move_in,
                    move_out: Some(move_out),
                    monthly_rent: Money::from_fen(50_000 + (i as i64 % 750_000)),
                }],
                extension_months: 0,
                as_of: move_out,
                founder_prior_window: None,
            }
        })
        .collect()
}

fn ledger(c: &mut Criterion) {
    let params = ParameterSet::defaults();
    let tenants = district();
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.bench_function("100k tenants x 36 months", |b| {
        b.iter(|| {
            let mut rows = 0usize;
            for input in &tenants {
                rows += calculate(input, &params).unwrap().value.months.len();
            }
            assert!(rows >= TENANTS * 36);
            rows
        })
    });
    group.bench_function("one tenant x 36 months", |b| {
        b.iter(|| calculate(&tenants[0], &params).unwrap())
    });
    group.finish();
}

criterion_group!(benches, ledger);
criterion_main!(benches);
