//! `/healthz` follows the database.

use crate::helpers::{Engine, spawn_app};
use crate::on_both_engines;

on_both_engines!(healthz_is_200_with_the_database_and_503_without);

async fn healthz_is_200_with_the_database_and_503_without(engine: Engine) {
    let app = spawn_app(engine).await;
    let ok = app.get("/healthz", None).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "ok");

    app.app_db.clone().close().await.unwrap();
    let down = app.get("/healthz", None).await;
    assert_eq!(down.status(), 503);
}
