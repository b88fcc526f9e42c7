// Governed query vs. the same query on raw DuckDB over the same Parquet
// files: scan + filter + aggregate on ≥ 10 M rows. Prints each side's best
// wall-clock time over several runs and the ratio (target ≤ 1.05).
//
// Usage: governed_scan_bench [--rows N] [--runs K] [--dir DIR]
// The input is written once into DIR (default build/bench-data) and reused.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

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

double Seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

using namespace weir;  // NOLINT: a benchmark main

int main(int argc, char** argv) {
  int64_t rows = 10'000'000;
  int runs = 5;
  std::string dir = "build/bench-data";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::atoll(argv[i + 1]);
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
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

  // Raw DuckDB over the same file.
  std::vector<double> raw_times;
  {
    duckdb::DuckDB db(nullptr);
    duckdb::Connection c(db);
    std::string sql = Format(kQuery, "read_parquet('" + file + "')");
    for (int i = 0; i < runs + 1; i++) {
      auto start = Clock::now();
      auto r = c.Query(sql);
      if (r->HasError()) Die(r->GetError());
      if (i > 0) raw_times.push_back(Seconds(start));  // the first run warms the page cache
    }
  }

  // The same query, governed: role `bench` granted all columns but `note`.
  store::MetadataState state;
  state.roles.push_back({"bench", ""});
  state.databases.push_back({"bench", ""});
  std::string table = "sales_" + std::to_string(rows);
  state.tables.push_back(
      {"bench",
       table,
       "bench/" + table,
       catalog::TableFormat::kParquet,
       {{"id", "BIGINT"}, {"amount", "DOUBLE"}, {"quantity", "INTEGER"}, {"region", "VARCHAR"}, {"note", "VARCHAR"}}});
  state.grants.push_back({1, "bench", "bench", table, access::ColumnScope::kExclude, {"note"}});
  access::Snapshot snapshot(state);
  auto engine = engine::Engine::Open({lake, fs::absolute(dir).string() + "/tmp", 0, 0});
  if (!engine.ok()) Die(engine.status().ToString());
  auto connection = (*engine)->Connect("bench");
  if (!connection.ok()) Die(connection.status().ToString());
  std::vector<double> governed_times;
  std::string sql = Format(kQuery, "bench." + table);
  for (int i = 0; i < runs + 1; i++) {
    auto start = Clock::now();
    auto parsed = engine::ParseSql(sql);
    if (!parsed.ok()) Die(parsed.status().ToString());
    auto stream = (*connection)->Run(std::move((*parsed)[0]), snapshot, "", nullptr);
    if (!stream.ok()) Die(stream.status().ToString());
    while (true) {
      auto chunk = (*stream)->Next();
      if (!chunk.ok()) Die(chunk.status().ToString());
      if (!*chunk) break;
    }
    if (i > 0) governed_times.push_back(Seconds(start));
  }

  double raw = *std::min_element(raw_times.begin(), raw_times.end());
  double governed = *std::min_element(governed_times.begin(), governed_times.end());
  std::printf("governed scan + filter + aggregate, %lld rows, best of %d runs\n", static_cast<long long>(rows), runs);
  std::printf("  raw DuckDB (read_parquet): %8.1f ms\n", raw * 1000);
  std::printf("  Weir governed            : %8.1f ms\n", governed * 1000);
  std::printf("  ratio governed/raw       : %8.3f  (target <= 1.05)\n", governed / raw);
  return 0;
}
