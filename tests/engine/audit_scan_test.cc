#include "engine/audit_scan.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "engine/test_lake.h"
#include "store/store.h"

namespace weir::engine {
namespace {

using testing::AppendChunk;
using testing::TestLake;
using testing::TextRows;

// The weir_audit table over a memory store holding six records, with
// `hr_admin` a data lake administrator role.
class AuditScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lake_ = TestLake::Create();
    ASSERT_NE(lake_, nullptr);
    std::vector<audit::Record> records;
    for (int i = 1; i <= 6; ++i) {
      audit::Record r;
      r.time_us = 1796013262000000 + i;
      r.kind = "query";
      r.actor = i % 2 == 0 ? "tina" : "david";
      r.source_identity = r.actor;
      r.role = "analyst";
      r.action = "query";
      r.decision = i % 3 == 0 ? "deny" : "allow";
      r.statement = "SELECT " + std::to_string(i);
      r.tables = {"sales.orders"};
      records.push_back(r);
    }
    ASSERT_TRUE(store_->AppendAudit(records).ok());
    EngineOptions options = lake_->Options();
    options.audit_reader = [store = store_.get()](int64_t after_seq, size_t limit) {
      return store->ReadAudit(after_seq, limit);
    };
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    store::MetadataState state = lake_->state();
    state.lake_admins = {"role/hr_admin"};
    snapshot_ = std::make_shared<access::Snapshot>(state);
  }

  Result<TextRows> Query(const std::string& role, const std::string& sql, const std::string& database = "") {
    auto connection = engine_->Connect(role);
    if (!connection.ok()) return connection.status();
    auto parsed = ParseSql(sql);
    if (!parsed.ok()) return parsed.status();
    ReadSet reads;
    auto stream = (*connection)->Run(std::move((*parsed)[0]), *snapshot_, database, &reads);
    if (!stream.ok()) return stream.status();
    TextRows rows;
    rows.names = (*stream)->names();
    while (true) {
      auto chunk = (*stream)->Next();
      if (!chunk.ok()) return chunk.status();
      if (*chunk == nullptr) break;
      AppendChunk(**chunk, &rows);
    }
    reads_ = reads;
    return rows;
  }

  std::unique_ptr<TestLake> lake_;
  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<access::Snapshot> snapshot_;
  ReadSet reads_;
};

TEST_F(AuditScanTest, ALakeAdministratorRoleReadsEveryRecord) {
  auto rows = Query("hr_admin", "SELECT * FROM weir_audit ORDER BY seq");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->names, AuditColumnNames());
  ASSERT_EQ(rows->rows.size(), 6u);
  EXPECT_EQ(rows->rows[0][0], "1");
  EXPECT_EQ(rows->rows[0][3], "david");
  EXPECT_EQ(reads_.tables, std::vector<std::string>{"weir_audit"});

  auto filtered = Query("hr_admin",
                        "SELECT seq, actor, tables[1] AS t, length(hash) AS h FROM weir_audit "
                        "WHERE decision = 'deny' AND time >= TIMESTAMPTZ '2026-11-30 04:34:22+00' ORDER BY seq",
                        "sales");
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  ASSERT_EQ(filtered->rows.size(), 2u);
  EXPECT_EQ(filtered->rows[0], (std::vector<std::string>{"3", "david", "sales.orders", "64"}));
  EXPECT_EQ(filtered->rows[1], (std::vector<std::string>{"6", "tina", "sales.orders", "64"}));

  auto counted = Query("hr_admin", "SELECT count(*) FROM weir_audit");
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  EXPECT_EQ(counted->rows[0][0], "6");
}

TEST_F(AuditScanTest, OtherRolesSeeAnUnknownTable) {
  for (const std::string database : {"", "sales"}) {
    SCOPED_TRACE(database);
    auto audit = Query("analyst", "SELECT * FROM weir_audit", database);
    auto missing = Query("analyst", "SELECT * FROM no_such_table", database);
    ASSERT_FALSE(audit.ok());
    EXPECT_EQ(audit.status().code(), missing.status().code());
    std::string message = audit.status().message();
    message.replace(message.find("weir_audit"), std::string("weir_audit").size(), "no_such_table");
    EXPECT_EQ(message, missing.status().message());
  }
}

TEST_F(AuditScanTest, TheNameIsOnlyTheUnqualifiedOne) {
  for (const char* sql : {"SELECT * FROM sales.weir_audit", "SELECT * FROM main.weir_audit"}) {
    SCOPED_TRACE(sql);
    EXPECT_EQ(Query("hr_admin", sql).status().code(), StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace weir::engine
