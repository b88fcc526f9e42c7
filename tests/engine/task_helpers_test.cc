#include "engine/task_helpers.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "duckdb.hpp"

namespace weir::engine {
namespace {

// What the probe function saw: the threads that evaluated it. When `wait`
// is set, the first thread to arrive waits (up to kPatience) for a second
// one, so a statement that is left to one thread stalls instead of
// finishing alone.
struct Probe {
  static constexpr std::chrono::seconds kPatience{10};
  std::mutex mu;
  std::condition_variable arrived;
  std::set<std::thread::id> threads;
  bool wait = false;

  void Reset(bool wait_for_another) {
    std::lock_guard<std::mutex> lock(mu);
    threads.clear();
    wait = wait_for_another;
  }
  void Visit() {
    std::unique_lock<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
    arrived.notify_all();
    // Waits once: a stalled statement then goes on alone (and the test fails).
    if (wait && !arrived.wait_for(lock, kPatience, [&] { return threads.size() > 1; })) wait = false;
  }
};

Probe probe;

int64_t Visit(int64_t x) {
  probe.Visit();
  return x;
}

// An instance set up as the engine sets up a role's: `threads` threads for a
// statement, all of them external (DuckDB starts no worker).
std::shared_ptr<duckdb::DuckDB> Instance(int threads) {
  duckdb::DBConfig config;
  config.options.maximum_threads = static_cast<duckdb::idx_t>(threads);
  config.options.external_threads = static_cast<duckdb::idx_t>(threads);
  auto db = std::make_shared<duckdb::DuckDB>(nullptr, &config);
  duckdb::Connection setup(*db);
  setup.CreateScalarFunction<int64_t, int64_t>("visit", &Visit);
  // Several row groups: a scan of it is a pipeline of several tasks.
  auto created = setup.Query("CREATE TABLE t AS SELECT range AS i FROM range(1000000)");
  EXPECT_FALSE(created->HasError()) << created->GetError();
  return db;
}

// An instance with `threads` helpers watching it, and a connection to it.
struct Watched {
  explicit Watched(int threads) : db(Instance(2)), helpers(threads), connection(*db) { helpers.Add(db); }
  std::shared_ptr<duckdb::DuckDB> db;
  TaskHelpers helpers;
  duckdb::Connection connection;
};

int64_t CountVisits(duckdb::Connection& connection) {
  auto result = connection.Query("SELECT count(visit(i)) FROM t");
  EXPECT_FALSE(result->HasError()) << result->GetError();
  return result->HasError() ? -1 : result->GetValue(0, 0).GetValue<int64_t>();
}

TEST(TaskHelpersTest, WithoutHelpersAStatementRunsWhollyOnItsOwnThread) {
  Watched setup(0);
  probe.Reset(false);
  {
    auto activity = setup.helpers.Start();
    EXPECT_EQ(CountVisits(setup.connection), 1000000);
  }
  std::lock_guard<std::mutex> lock(probe.mu);
  EXPECT_EQ(probe.threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

// Whether a thread other than this one evaluated the probe.
bool AnotherThreadVisited() {
  std::lock_guard<std::mutex> lock(probe.mu);
  bool helped = false;
  for (auto id : probe.threads) helped = helped || id != std::this_thread::get_id();
  return helped;
}

// Runs the probing statement with its first visitor waiting for a second;
// true when a thread other than this one took part.
bool RunHelped(TaskHelpers& helpers, duckdb::Connection& connection) {
  probe.Reset(true);
  {
    auto activity = helpers.Start();
    EXPECT_EQ(CountVisits(connection), 1000000);
  }
  return AnotherThreadVisited();
}

TEST(TaskHelpersTest, HelpersJoinAStatementThatQueuesTasks) {
  Watched setup(1);
  EXPECT_TRUE(RunHelped(setup.helpers, setup.connection));
}

TEST(TaskHelpersTest, RestingHelpersWakeWhenAStatementStarts) {
  Watched setup(1);
  // Long enough without a statement that the helper rests.
  std::this_thread::sleep_for(TaskHelpers::kRestAfter * 2);
  EXPECT_TRUE(RunHelped(setup.helpers, setup.connection));
}

TEST(TaskHelpersTest, ANudgeWakesRestingHelpersForQueuedTasks) {
  Watched setup(1);
  std::this_thread::sleep_for(TaskHelpers::kRestAfter * 2);
  // No activity announced: only the nudges can bring the resting helper.
  probe.Reset(true);
  std::atomic<bool> done{false};
  std::thread nudger([&] {
    while (!done.load()) {
      setup.helpers.Nudge();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  EXPECT_EQ(CountVisits(setup.connection), 1000000);
  done.store(true);
  nudger.join();
  EXPECT_TRUE(AnotherThreadVisited());
}

}  // namespace
}  // namespace weir::engine
