// Access snapshot benchmarks: resolving one role's access to one table in a
// catalog of 10,000 tables (20 columns each) with 100,000 grants (1,000
// roles × 95 named table grants and 5 LF-Tag policies) and 1,000 LF-Tag
// assignments (databases, tables and columns), and building the snapshot.
//
//   bench/snapshot_bench [--benchmark_filter=...]
//
// Figures to watch: BM_ResolveNamed and BM_ResolveTagged (target: ≤ 20 µs
// p50). After the benchmarks, the p50 and p99 of single resolutions are
// printed with their ratios to the target.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>

#include "access/snapshot.h"
#include "store/store.h"

namespace {

using weir::access::Grant;
using weir::access::Permission;
using weir::access::ResourceKind;
using weir::access::Snapshot;

constexpr int kDatabases = 100;
constexpr int kTablesPerDatabase = 100;
constexpr int kColumns = 20;
constexpr int kRoles = 1000;
constexpr int kNamedPerRole = 95;
constexpr int kTagPoliciesPerRole = 5;

std::string Db(int d) { return "db" + std::to_string(d); }
std::string Tb(int t) { return "t" + std::to_string(t); }

// domain=d<i % 20> on every database; tier=<gold|silver|bronze> on 800
// tables (t0..t7 of each database); pii=yes on column c3 of each t0 (100
// columns): 1,000 assignments.
weir::store::MetadataState BuildState() {
  weir::store::MetadataState s;
  s.version = 1;
  for (int r = 0; r < kRoles; r++) s.roles.push_back(weir::iam::Role{"r" + std::to_string(r), ""});
  std::sort(s.roles.begin(), s.roles.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<std::string> domains;
  for (int i = 0; i < 20; i++) domains.push_back("d" + std::to_string(i));
  std::sort(domains.begin(), domains.end());
  s.lf_tags = {{"domain", domains}, {"pii", {"no", "yes"}}, {"tier", {"bronze", "gold", "silver"}}};
  const char* tiers[] = {"gold", "silver", "bronze"};
  for (int d = 0; d < kDatabases; d++) {
    s.databases.push_back({Db(d), ""});
    s.tag_assignments.push_back({{Db(d), "", ""}, "domain", "d" + std::to_string(d % 20)});
    for (int t = 0; t < kTablesPerDatabase; t++) {
      weir::catalog::Table table;
      table.database = Db(d);
      table.name = Tb(t);
      table.location = Db(d) + "/" + Tb(t);
      for (int c = 0; c < kColumns; c++) table.columns.push_back({"c" + std::to_string(c), "BIGINT", false});
      s.tables.push_back(std::move(table));
      if (t < 8) s.tag_assignments.push_back({{Db(d), Tb(t), ""}, "tier", tiers[t % 3]});
      if (t == 0) s.tag_assignments.push_back({{Db(d), Tb(t), "c3"}, "pii", "yes"});
    }
  }
  std::sort(s.databases.begin(), s.databases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(s.tables.begin(), s.tables.end(),
            [](const auto& a, const auto& b) { return a.QualifiedName() < b.QualifiedName(); });
  std::sort(s.tag_assignments.begin(), s.tag_assignments.end(),
            [](const auto& a, const auto& b) { return std::tie(a.resource, a.key) < std::tie(b.resource, b.key); });
  std::mt19937 rng(42);
  int64_t id = 1;
  for (int r = 0; r < kRoles; r++) {
    for (int k = 0; k < kNamedPerRole; k++) {
      Grant g;
      g.id = id++;
      g.role = "r" + std::to_string(r);
      g.database = Db(static_cast<int>(rng() % kDatabases));
      g.table = Tb(static_cast<int>(rng() % kTablesPerDatabase));
      if (k % 4 == 0) {
        g.scope = weir::access::ColumnScope::kInclude;
        g.columns = {"c1", "c2"};
      }
      s.grants.push_back(std::move(g));
    }
    for (int k = 0; k < kTagPoliciesPerRole; k++) {
      Grant g;
      g.id = id++;
      g.role = "r" + std::to_string(r);
      g.kind = ResourceKind::kLfTagPolicyTable;
      g.expression = {{"domain", {"d" + std::to_string((r + k) % 20)}}, {"tier", {"gold", "silver"}}};
      g.permissions = {Permission::kSelect};
      s.grants.push_back(std::move(g));
    }
  }
  return s;
}

const weir::store::MetadataState& TheState() {
  static const weir::store::MetadataState state = BuildState();
  return state;
}

const Snapshot& TheSnapshot() {
  static const Snapshot snapshot(TheState());
  return snapshot;
}

// (role, database, table) triples a role can read: through a named grant, or only through a tag policy.
std::vector<std::tuple<std::string, std::string, std::string>> Targets(bool tagged) {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  const Snapshot& s = TheSnapshot();
  for (const auto& g : s.grants()) {
    if (out.size() >= 1000) break;
    if (!tagged && g.kind == ResourceKind::kTable) out.emplace_back(g.role, g.database, g.table);
    if (tagged && g.kind == ResourceKind::kLfTagPolicyTable) {
      // A database of that domain (d % 20); t0 has tier gold and a column with tags of its own.
      const std::string& domain = g.expression[0].values[0];
      int d = std::stoi(domain.substr(1));
      out.emplace_back(g.role, Db(d), Tb(0));
    }
  }
  return out;
}

void ResolveLoop(benchmark::State& state, bool tagged) {
  const Snapshot& s = TheSnapshot();
  auto targets = Targets(tagged);
  size_t i = 0;
  for (auto _ : state) {
    const auto& [role, db, table] = targets[i++ % targets.size()];
    auto access = s.Resolve(role, db, table);
    if (!access.ok()) state.SkipWithError("a target is not readable");
    benchmark::DoNotOptimize(access);
  }
}

void BM_ResolveNamed(benchmark::State& state) { ResolveLoop(state, false); }
BENCHMARK(BM_ResolveNamed);

void BM_ResolveTagged(benchmark::State& state) { ResolveLoop(state, true); }
BENCHMARK(BM_ResolveTagged);

void BM_BuildSnapshot(benchmark::State& state) {
  const auto& metadata = TheState();
  for (auto _ : state) {
    Snapshot s(metadata);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_BuildSnapshot)->Unit(benchmark::kMillisecond)->Iterations(3);

struct Percentiles {
  double p50_us;
  double p99_us;
};

Percentiles TimeResolutions(bool tagged, int samples) {
  using Clock = std::chrono::steady_clock;
  const Snapshot& s = TheSnapshot();
  auto targets = Targets(tagged);
  std::vector<double> us;
  us.reserve(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    const auto& [role, db, table] = targets[static_cast<size_t>(i) % targets.size()];
    auto start = Clock::now();
    auto access = s.Resolve(role, db, table);
    benchmark::DoNotOptimize(access);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

void PrintFigure(const char* what, const Percentiles& p, double target_p50_us) {
  std::printf("  %-44s p50 %7.2f us (target <= %g: ratio %.2f)   p99 %7.2f us\n", what, p.p50_us, target_p50_us,
              p.p50_us / target_p50_us, p.p99_us);
}

// A new snapshot's first resolution (nothing warmed), and publishing a new
// snapshot after one more grant (building it from the state; the store's
// commit is not included). `samples` builds each.
void PrintColdAndPublish(int samples) {
  std::vector<double> first_us, publish_ms;
  auto targets = Targets(false);
  weir::store::MetadataState state = TheState();
  for (int i = 0; i < samples; i++) {
    Grant g = state.grants.front();
    g.id = static_cast<int64_t>(state.grants.size()) + 1 + i;
    g.role = "publish-" + std::to_string(i);
    state.grants.push_back(g);
    auto start = std::chrono::steady_clock::now();
    Snapshot fresh(state);
    publish_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    const auto& [role, db, table] = targets[static_cast<size_t>(i) % targets.size()];
    start = std::chrono::steady_clock::now();
    auto access = fresh.Resolve(role, db, table);
    first_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    benchmark::DoNotOptimize(access);
  }
  std::sort(first_us.begin(), first_us.end());
  std::sort(publish_ms.begin(), publish_ms.end());
  double cold = first_us[first_us.size() / 2], publish = publish_ms[publish_ms.size() / 2];
  std::printf("  %-44s p50 %7.2f us (target <= 2000: ratio %.3f)\n", "first resolution on a new snapshot (cold)", cold,
              cold / 2000);
  std::printf("  %-44s p50 %7.2f ms (target <= 50: ratio %.2f)\n", "publishing a snapshot after one grant", publish,
              publish / 50);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  std::printf("\nsingle resolutions, one thread (10,000 tables, 100,000 grants, 1,000 tag assignments):\n");
  PrintFigure("named grants (and the role's tag policies)", TimeResolutions(false, 20000), 20);
  PrintFigure("through an LF-Tag policy", TimeResolutions(true, 20000), 20);
  PrintColdAndPublish(5);
  return 0;
}
