//! Sessions: kept in the database so that several servers share them. `id` is the
//! SHA-256 (hex) of the token in the cookie, never the token itself; `expires_at` is
//! the absolute end; `client_addr` the address the session was opened from.

use sea_orm::entity::prelude::*;

/// `Debug` leaves out the session id and the CSRF token: both are secrets
/// ([`Secret`](super::secret::Secret), also in the derived `ActiveModel`).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: super::secret::Secret,
    pub user_id: i64,
    pub csrf_token: super::secret::Secret,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub client_addr: Option<String>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("session::Model")
            .field("id", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("csrf_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
