//! Monthly reports and reminders (SPEC §4 "monthly report"; issue: reports,
//! holidays, bulk acceptance and reminders): who filed and who returned a report
//! with which reason; the reminders sent (each once, ever: a unique key); the lease
//! of scheduled jobs, so that with several servers only one runs a job; and the
//! State Council's public holidays and make-up working days of 2024–2026 as a dated
//! version of the district parameters `holidays` and `workdays`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Public holidays: 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）,
/// 关于2025年…（国办发明电〔2024〕12号）, 关于2026年…（2025-11-04）.
const HOLIDAYS: &[&str] = &[
    // 2024
    "2024-01-01",
    "2024-02-10",
    "2024-02-11",
    "2024-02-12",
    "2024-02-13",
    "2024-02-14",
    "2024-02-15",
    "2024-02-16",
    "2024-02-17",
    "2024-04-04",
    "2024-04-05",
    "2024-04-06",
    "2024-05-01",
    "2024-05-02",
    "2024-05-03",
    "2024-05-04",
    "2024-05-05",
    "2024-06-10",
    "2024-09-15",
    "2024-09-16",
    "2024-09-17",
    "2024-10-01",
    "2024-10-02",
    "2024-10-03",
    "2024-10-04",
    "2024-10-05",
    "2024-10-06",
    "2024-10-07",
    // 2025
    "2025-01-01",
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-02-01",
    "2025-02-02",
    "2025-02-03",
    "2025-02-04",
    "2025-04-04",
    "2025-04-05",
    "2025-04-06",
    "2025-05-01",
    "2025-05-02",
    "2025-05-03",
    "2025-05-04",
    "2025-05-05",
    "2025-05-31",
    "2025-06-01",
    "2025-06-02",
    "2025-10-01",
    "2025-10-02",
    "2025-10-03",
    "2025-10-04",
    "2025-10-05",
    "2025-10-06",
    "2025-10-07",
    "2025-10-08",
    // 2026
    "2026-01-01",
    "2026-01-02",
    "2026-01-03",
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23",
    "2026-04-04",
    "2026-04-05",
    "2026-04-06",
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-06-20",
    "2026-06-21",
    "2026-09-25",
    "2026-09-26",
    "2026-09-27",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];

/// Make-up working days (调休上班日) of the same notices.
const WORKDAYS: &[&str] = &[
    // 2024
    "2024-02-04",
    "2024-02-18",
    "2024-04-07",
    "2024-04-28",
    "2024-05-11",
    "2024-09-14",
    "2024-09-29",
    "2024-10-12",
    // 2025
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
    // 2026
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

/// The calendars take effect with the first year they cover.
const CALENDAR_FROM: (i32, u32, u32) = (2024, 1, 1);

fn added_columns() -> Vec<ColumnDef> {
    vec![
        big_integer_null("filed_by").to_owned(),
        text_null("return_reason").to_owned(),
        timestamp_with_time_zone_null("returned_at").to_owned(),
        big_integer_null("returned_by").to_owned(),
    ]
}

fn dates_json(days: &[&str]) -> String {
    let quoted: Vec<String> = days.iter().map(|d| format!("\"{d}\"")).collect();
    format!("{{\"dates\":[{}]}}", quoted.join(","))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in added_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("monthly_reports")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        // One row per reminder ever sent: kind + record + threshold is unique, so
        // running the reminders again (or on two servers at once) sends nothing new.
        let reminders = Table::create()
            .table("reminders_sent")
            .col(big_pk_auto("id"))
            .col(string_uniq("reminder_key"))
            .col(string("kind"))
            .col(string("record_table"))
            .col(big_integer("record_id"))
            .col(string("threshold"))
            .col(date("sent_on"))
            .col(integer("mails"))
            .col(timestamp_with_time_zone("created_at"))
            .to_owned();
        manager.create_table(reminders).await?;

        // Scheduled jobs inside `fuhua serve`: a job runs where it holds the lease.
        let leases = Table::create()
            .table("job_leases")
            .col(string("name").primary_key())
            .col(string_null("holder"))
            .col(timestamp_with_time_zone_null("locked_until"))
            .col(date_null("last_run_on"))
            .to_owned();
        manager.create_table(leases).await?;

        let (y, m, d) = CALENDAR_FROM;
        let from = sea_orm_migration::sea_orm::prelude::Date::from_ymd_opt(y, m, d)
            .ok_or_else(|| DbErr::Migration("the calendar date is not a date".into()))?;
        for (key, days) in [("holidays", HOLIDAYS), ("workdays", WORKDAYS)] {
            let insert = Query::insert()
                .into_table("parameter_versions")
                .columns(["key", "effective_from", "value", "note", "created_at"])
                .values_panic([
                    key.into(),
                    from.into(),
                    dates_json(days).into(),
                    "国务院办公厅2024、2025、2026年部分节假日安排的通知".into(),
                    Expr::current_timestamp(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (y, m, d) = CALENDAR_FROM;
        let from = sea_orm_migration::sea_orm::prelude::Date::from_ymd_opt(y, m, d)
            .ok_or_else(|| DbErr::Migration("the calendar date is not a date".into()))?;
        let delete = Query::delete()
            .from_table("parameter_versions")
            .and_where(Expr::col("key").is_in(["holidays", "workdays"]))
            .and_where(Expr::col("effective_from").eq(from))
            .to_owned();
        manager.exec_stmt(delete).await?;
        for table in ["job_leases", "reminders_sent"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in added_columns().into_iter().rev() {
            let name = column.get_column_name();
            manager
                .alter_table(
                    Table::alter()
                        .table("monthly_reports")
                        .drop_column(Alias::new(name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_lists_every_announced_day_once() {
        assert_eq!(HOLIDAYS.len(), 28 + 28 + 33);
        assert_eq!(WORKDAYS.len(), 8 + 5 + 6);
        assert!(HOLIDAYS.windows(2).all(|w| w[0] < w[1]));
        assert!(dates_json(&["2024-01-01"]) == r#"{"dates":["2024-01-01"]}"#);
    }
}
