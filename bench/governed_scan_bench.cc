// Governed queries vs. the same queries on raw DuckDB over the same Parquet
// files, scan + filter + aggregate on ≥ 10 M rows, printing each side's
// best wall-clock time over several runs and the ratio:
//   1. a column grant (all but `note`) vs. the plain query (target ≤ 1.05);
//   2. two data cells filters combined as Lake Formation does — rows where
//      region = 'north' OR quantity > 10, amount and region visible only
//      in the north rows (cell-level security) — vs. the hand-written
//      DuckDB query with that WHERE and those CASE expressions (target ≤ 1.10).
//
// Usage: governed_scan_bench [--rows N] [--runs K] [--dir DIR] [--part 1|2]
// The input is written once into DIR (default build/bench-data) and reused;
// --part runs only the first or the second comparison (for profiling).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "access/row_filter.h"
#include "access/snapshot.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kQuery =
    "SELECT region, count(*) AS n, sum(amount) AS total, avg(quantity) AS q FROM %s WHERE amount > 250 "
    "GROUP BY region ORDER BY region";

std::string Format(const char* pattern, const std::string& table) {
  std::vector<char> buf(1024);
  std::snprintf(buf.data(), buf.size(), pattern, table.c_str());
  return buf.data();
}

void Die(const std::string& what) {
  std::fprintf(stderr, "governed_scan_bench: %s\n", what.c_str());
  std::exit(1);
}

// Best of `runs` runs of `sql` on raw DuckDB (after one warming run).
double BestRaw(const std::string& sql, int runs) {
  duckdb::DuckDB db(nullptr);
  duckdb::Connection c(db);
  double best = 1e30;
  for (int i = 0; i < runs + 1; i++) {
    auto start = Clock::now();
    auto r = c.Query(sql);
    if (r->HasError()) Die(r->GetError());
    if (i > 0) best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// Best of `runs` runs of `sql` through Weir's engine as `role`.
double BestGoverned(weir::engine::Engine& engine, const weir::access::Snapshot& snapshot, const std::string& role,
                    const std::string& sql, int runs) {
  auto connection = engine.Connect(role);
  if (!connection.ok()) Die(connection.status().ToString());
  double best = 1e30;
  for (int i = 0; i < runs + 1; i++) {
    auto start = Clock::now();
    auto parsed = weir::engine::ParseSql(sql);
    if (!parsed.ok()) Die(parsed.status().ToString());
    auto stream = (*connection)->Run(std::move((*parsed)[0]), snapshot, "", nullptr);
    if (!stream.ok()) Die(stream.status().ToString());
    while (true) {
      auto chunk = (*stream)->Next();
      if (!chunk.ok()) Die(chunk.status().ToString());
      if (!*chunk) break;
    }
    if (i > 0) best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// A data cells filter with its row filter in the stored (canonical) form.
weir::access::DataFilter Filter(const weir::catalog::Table& table, const std::string& name, const std::string& rows,
                                weir::access::ColumnScope scope, std::vector<std::string> columns) {
  auto expr = weir::access::ParseRowFilter(rows);
  if (!expr.ok()) Die(expr.status().ToString());
  weir::Status valid = weir::access::ValidateRowFilter(&*expr, table);
  if (!valid.ok()) Die(valid.ToString());
  return {table.database, table.name, name, weir::access::RowFilterToSql(*expr), scope, std::move(columns)};
}

double Seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

using namespace weir;  // NOLINT: a benchmark main

int main(int argc, char** argv) {
  int64_t rows = 10'000'000;
  int runs = 5;
  std::string dir = "build/bench-data";
  int part = 0;  // both
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::atoll(argv[i + 1]);
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--part") part = std::atoi(argv[i + 1]);
  }
  namespace fs = std::filesystem;
  std::string lake = fs::absolute(dir).string() + "/lake";
  std::string table_dir = lake + "/bench/sales_" + std::to_string(rows);
  std::string file = table_dir + "/data.parquet";
  if (!fs::exists(file)) {
    fs::create_directories(table_dir);
    std::printf("writing %lld rows to %s ...\n", static_cast<long long>(rows), file.c_str());
    duckdb::DuckDB db(nullptr);
    duckdb::Connection c(db);
    auto r = c.Query(
        "COPY (SELECT i AS id, (i * 7919) % 1000 / 2.0 AS amount, (i % 17)::INTEGER AS quantity, "
        "['north','south','east','west','central'][1 + i % 5] AS region, 'note ' || (i % 1000) AS "
        "note FROM range(" +
        std::to_string(rows) + ") t(i)) TO '" + file + "' (FORMAT parquet)");
    if (r->HasError()) Die(r->GetError());
  }

  // The governed side: role `bench` granted all columns but `note`; role
  // `cells` granted two data cells filters.
  store::MetadataState state;
  state.roles.push_back({"bench", ""});
  state.roles.push_back({"cells", ""});
  state.databases.push_back({"bench", ""});
  std::string table = "sales_" + std::to_string(rows);
  state.tables.push_back(
      {"bench",
       table,
       "bench/" + table,
       catalog::TableFormat::kParquet,
       {{"id", "BIGINT"}, {"amount", "DOUBLE"}, {"quantity", "INTEGER"}, {"region", "VARCHAR"}, {"note", "VARCHAR"}}});
  state.grants.push_back({1, "bench", "bench", table, access::ColumnScope::kExclude, {"note"}});
  state.filters.push_back(
      Filter(state.tables[0], "north", "region = 'north'", access::ColumnScope::kExclude, {"note"}));
  state.filters.push_back(
      Filter(state.tables[0], "big", "quantity > 10", access::ColumnScope::kInclude, {"id", "quantity"}));
  std::sort(state.filters.begin(), state.filters.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  state.grants.push_back({2, "cells", "bench", table, access::ColumnScope::kAll, {}, "north"});
  state.grants.push_back({3, "cells", "bench", table, access::ColumnScope::kAll, {}, "big"});
  access::Snapshot snapshot(state);
  auto engine = engine::Engine::Open({lake, fs::absolute(dir).string() + "/tmp", 0, 0});
  if (!engine.ok()) Die(engine.status().ToString());

  const std::string raw_table = "read_parquet('" + file + "')";
  if (part != 2) {
    double raw = BestRaw(Format(kQuery, raw_table), runs);
    double governed = BestGoverned(**engine, snapshot, "bench", Format(kQuery, "bench." + table), runs);
    std::printf("governed scan + filter + aggregate, %lld rows, best of %d runs\n", static_cast<long long>(rows), runs);
    std::printf("  raw DuckDB (read_parquet): %8.1f ms\n", raw * 1000);
    std::printf("  Weir governed            : %8.1f ms\n", governed * 1000);
    std::printf("  ratio governed/raw       : %8.3f  (target <= 1.05)\n", governed / raw);
  }
  if (part == 1) return 0;

  // What the two filters amount to, written by hand.
  const std::string hand =
      "(SELECT id, CASE WHEN region = 'north' THEN amount END AS amount, quantity, "
      "CASE WHEN region = 'north' THEN region END AS region FROM " +
      raw_table + " WHERE region = 'north' OR quantity > 10)";
  double raw_cells = BestRaw(Format(kQuery, hand), runs);
  double governed_cells = BestGoverned(**engine, snapshot, "cells", Format(kQuery, "bench." + table), runs);
  std::printf("row filter + cell-level conditions (two data cells filters), best of %d runs\n", runs);
  std::printf("  hand-written DuckDB      : %8.1f ms\n", raw_cells * 1000);
  std::printf("  Weir governed            : %8.1f ms\n", governed_cells * 1000);
  std::printf("  ratio governed/hand      : %8.3f  (target <= 1.10)\n", governed_cells / raw_cells);
  return 0;
}
