//! Signing in: the record of login attempts (for throttling), requests to link an
//! account to a person on record until the link is proven, and the client address
//! a session was opened from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// How an account link is proven: a one-time code mailed to the email on record, or
/// the operator of the person's carrier confirming it.
const LINK_METHODS: [&str; 2] = ["email_code", "operator"];
/// A link request's states.
const LINK_STATES: [&str; 3] = ["pending", "proven", "cancelled"];
/// What a login attempt came to.
const OUTCOMES: [&str; 3] = ["success", "failure", "locked"];

fn one_of(column: &'static str, values: &[&str]) -> ColumnDef {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    string(column)
        .check(Expr::cust(format!("{column} IN ({list})")))
        .to_owned()
}

fn index(
    name: &'static str,
    table: &'static str,
    columns: &[&'static str],
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in columns {
        i.col(*c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Login attempts: never the username in clear (a typo may be a password),
        // only its keyed hash; throttling counts failures per hash and per address.
        let t = Table::create()
            .table("login_attempts")
            .col(big_pk_auto("id"))
            .col(string("username_hash"))
            .col(string("client_addr"))
            .col(one_of("outcome", &OUTCOMES))
            .col(timestamp_with_time_zone("at"))
            .to_owned();
        manager.create_table(t).await?;

        // A request to link an account to a person on record. Until it is proven the
        // account's users.person_id stays NULL and it sees nothing of that person.
        let t = Table::create()
            .table("account_links")
            .col(big_pk_auto("id"))
            .col(big_integer("user_id"))
            .col(big_integer("person_id"))
            .col(one_of("method", &LINK_METHODS))
            .col(one_of("state", &LINK_STATES))
            // The person was recorded by this account's own registration, so the
            // registrant's email is the email on record.
            .col(boolean("created_person").default(false))
            // Whether the phone given at registration matches the person's on record
            // (a hint for the confirming operator, not a proof).
            .col(boolean("phone_matches").default(false))
            .col(string_null("code_hash"))
            .col(timestamp_with_time_zone_null("code_expires_at"))
            .col(integer("code_attempts").default(0))
            .col(integer("codes_sent").default(0))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("proven_at"))
            .col(big_integer_null("confirmed_by"))
            .foreign_key(
                ForeignKey::create()
                    .from("account_links", "user_id")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .foreign_key(
                ForeignKey::create()
                    .from("account_links", "person_id")
                    .to("people", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .foreign_key(
                ForeignKey::create()
                    .from("account_links", "confirmed_by")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .to_owned();
        manager.create_table(t).await?;

        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(string_null("client_addr"))
                    .to_owned(),
            )
            .await?;

        for i in [
            index(
                "ix_login_attempts_user",
                "login_attempts",
                &["username_hash", "at"],
            ),
            index(
                "ix_login_attempts_addr",
                "login_attempts",
                &["client_addr", "at"],
            ),
            index(
                "ix_account_links_user",
                "account_links",
                &["user_id", "state"],
            ),
            index(
                "ix_account_links_person",
                "account_links",
                &["person_id", "state"],
            ),
            index("ix_sessions_last_seen", "sessions", &["last_seen_at"]),
        ] {
            manager.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_sessions_last_seen")
                    .table("sessions")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("client_addr")
                    .to_owned(),
            )
            .await?;
        for name in ["account_links", "login_attempts"] {
            manager
                .drop_table(Table::drop().table(name).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
