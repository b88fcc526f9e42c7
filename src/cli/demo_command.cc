#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "session/session.h"

namespace weir::cli {

namespace {

// Writes a small sample lake with DuckDB: shop.customers (with personal
// columns) and shop.orders (Hive-partitioned by region).
Status WriteSampleData(const std::string& lake) {
  try {
    duckdb::DuckDB db(nullptr);
    duckdb::Connection c(db);
    std::filesystem::create_directories(lake + "/shop/customers");
    std::filesystem::create_directories(lake + "/shop/orders");
    std::string customers =
        "COPY (SELECT i AS customer_id, 'Customer ' || i AS full_name, 'user' || i || '@example.com' AS email, "
        "'+1-555-' || lpad(i::VARCHAR, 4, '0') AS phone, ['north','south','east','west'][1 + i % 4] AS region, "
        "DATE '2020-01-01' + (i * 7)::INTEGER AS signup_date FROM range(1, 201) t(i)) TO '" +
        lake + "/shop/customers/part-0.parquet' (FORMAT parquet)";
    std::string orders =
        "COPY (SELECT i AS order_id, 1 + (i * 37) % 200 AS customer_id, round(5 + (i * 13) % 500 + 0.99, 2) "
        "AS amount, ['north','south','east','west'][1 + i % 4] AS region FROM range(1, 2001) t(i)) TO '" +
        lake + "/shop/orders' (FORMAT parquet, PARTITION_BY (region), OVERWRITE_OR_IGNORE)";
    for (const auto& sql : {customers, orders}) {
      auto result = c.Query(sql);
      if (result->HasError()) return Status::IoError(result->GetError());
    }
    return Status::Ok();
  } catch (...) {
    return engine::StatusFromCurrentException();
  }
}

int RunDemo(const std::string& path) {
  namespace fs = std::filesystem;
  bool fresh = !fs::exists(fs::path(path) / "weir.db");
  if (fresh) {
    Status status = admin::DataDir::Init(path);
    if (status.ok()) status = WriteSampleData(path + "/lake");
    if (!status.ok()) {
      PrintError(status);
      return 1;
    }
  }
  auto dir = admin::DataDir::Open(path);
  if (!dir.ok()) {
    PrintError(dir.status());
    return 1;
  }
  auto& data_dir = **dir;
  if (fresh) {
    admin::Admin admin(&data_dir, admin::LocalActor());
    Status status =
        admin.RegisterTable("shop", "customers", "shop/customers", catalog::TableFormat::kParquet, true).status();
    if (status.ok()) {
      status = admin.RegisterTable("shop", "orders", "shop/orders", catalog::TableFormat::kParquet, false).status();
    }
    if (status.ok()) status = admin.CreateRole("analyst");
    if (status.ok()) {
      status = admin.Grant("analyst", "shop", "customers", access::ColumnScope::kExclude, {"email", "phone"});
    }
    if (status.ok()) status = admin.CreateRole("auditor");
    if (status.ok()) status = admin.Grant("auditor", "shop", "orders", access::ColumnScope::kAll, {});
    if (!status.ok()) {
      PrintError(status);
      return 1;
    }
  }
  auto engine = engine::Engine::Open({data_dir.lake_root(), data_dir.temp_root(), 0, 0});
  if (!engine.ok()) {
    PrintError(engine.status());
    return 1;
  }
  session::SessionContext context{engine->get(), [&data_dir] { return data_dir.snapshot(); }, &data_dir.audit()};
  std::string actor = admin::LocalActor();
  struct Step {
    std::string role;
    std::string sql;
    std::string note;
  };
  const Step steps[] = {
      {"analyst", "SHOW DATABASES", "analyst sees only the databases it holds grants in"},
      {"analyst", "USE shop; SHOW TABLES", "... and only its tables"},
      {"analyst", "DESCRIBE shop.customers", "email and phone are excluded from analyst's grant"},
      {"analyst", "SELECT * FROM shop.customers ORDER BY customer_id LIMIT 5", "SELECT * narrows to the grant"},
      {"analyst", "SELECT email FROM shop.customers", "an excluded column fails as if it did not exist"},
      {"analyst", "SELECT count(*) FROM shop.orders", "an ungranted table is denied"},
      {"auditor",
       "SELECT region, count(*) AS orders, sum(amount) AS total FROM shop.orders GROUP BY region ORDER BY "
       "region",
       "auditor reads orders (Hive-partitioned by region)"},
      {"auditor", "SELECT * FROM read_parquet('" + data_dir.lake_root() + "/shop/customers/part-0.parquet')",
       "files are reachable only through the catalog"},
  };
  std::cout << "Weir demo on " << data_dir.path() << "\n";
  for (const auto& step : steps) {
    std::cout << "\n-- " << step.note << "\n" << step.role << "=> " << step.sql << ";\n";
    auto session = session::Session::Open(context, {actor, actor, step.role});
    if (!session.ok()) {
      PrintError(session.status());
      return 1;
    }
    Status status = (*session)->Execute(
        step.sql, [](session::StatementResult& r) { return PrintResult(r, OutputFormat::kTable, std::cout); });
    if (!status.ok()) std::cout << "ERROR:  " << status.sqlstate() << ": " << status.message() << "\n";
  }
  std::cout << "\nEvery statement above is in the audit log: " << data_dir.audit().path() << "\n";
  std::cout << "Try it yourself: build/weir sql --data-dir " << path << " --as-role analyst\n";
  return 0;
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  static std::string path = "./weir-demo";
  auto* demo = app.add_subcommand(
      "demo", "Create a sample lake with two roles and show what each may read (reuses an existing directory)");
  demo->add_option("--data-dir", path, "Demo data directory (default: ./weir-demo)");
  demo->callback([] { std::exit(RunDemo(path)); });
}

}  // namespace weir::cli
