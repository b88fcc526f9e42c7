#pragma once

// A test fixture for the session layer: one test lake and one Engine per
// suite, a fresh Session per test, and helpers that run SQL and drain the
// results as text.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "engine/test_lake.h"
#include "session/session.h"

namespace weir::session::testing {

using weir::testing::TestLake;
using weir::testing::TextRows;

// What Session::Execute handed back: one tag and one drained result per
// statement that ran, and the final status.
struct Outcome {
  Status status;
  std::vector<std::string> tags;
  std::vector<TextRows> results;
};

// Drains a result's rows into text; the first fetch error is returned.
inline Status Drain(StatementResult& result, TextRows* rows) {
  if (!result.rows) return Status::Ok();
  rows->names = result.rows->names();
  while (true) {
    auto chunk = result.rows->Next();
    if (!chunk.ok()) return chunk.status();
    if (!*chunk) return Status::Ok();
    weir::testing::AppendChunk(**chunk, rows);
  }
}

class SessionFixture : public ::testing::Test {
 protected:
  using AssumeRole = std::function<Result<std::string>(const std::string&)>;

  static void SetUpTestSuite() {
    lake_ = TestLake::Create().release();
    if (lake_ == nullptr) return;
    auto engine = engine::Engine::Open(lake_->Options());
    if (!engine.ok()) {
      ADD_FAILURE() << engine.status().ToString();
      return;
    }
    engine_ = std::move(engine).value().release();
  }

  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
    delete lake_;
    lake_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(lake_, nullptr);
    ASSERT_NE(engine_, nullptr);
  }

  static SessionContext Context(AssumeRole assume_role = nullptr) {
    SessionContext context;
    context.engine = engine_;
    auto snapshot = lake_->snapshot();
    context.snapshot = [snapshot] { return snapshot; };
    context.audit = nullptr;
    context.assume_role = std::move(assume_role);
    return context;
  }

  static std::unique_ptr<Session> Open(const std::string& role, AssumeRole assume_role = nullptr) {
    auto session = Session::Open(Context(std::move(assume_role)), Identity{"alice", "alice@example.com", role});
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session.ok() ? std::move(session).value() : nullptr;
  }

  static Outcome Execute(Session& session, const std::string& sql) {
    Outcome out;
    out.status = session.Execute(sql, [&](StatementResult& result) -> Status {
      out.tags.push_back(result.tag);
      TextRows rows;
      WEIR_RETURN_IF_ERROR(Drain(result, &rows));
      out.results.push_back(std::move(rows));
      return Status::Ok();
    });
    return out;
  }

  inline static TestLake* lake_ = nullptr;
  inline static engine::Engine* engine_ = nullptr;
};

}  // namespace weir::session::testing
