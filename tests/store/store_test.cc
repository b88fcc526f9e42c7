#include "store/store.h"

#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/temp_dir.h"

namespace weir::store {
namespace {

using ::weir::testing::TempDir;

iam::Role MakeRole(const std::string& name) { return {name, "role " + name}; }

catalog::Database MakeDatabase(const std::string& name) { return {name, "database " + name}; }

catalog::Table MakeTable(const std::string& database, const std::string& name) {
  catalog::Table table;
  table.database = database;
  table.name = name;
  table.location = database + "/" + name;
  table.format = catalog::TableFormat::kCsv;
  table.columns = {{"id", "BIGINT", false}, {"name", "VARCHAR", false}, {"dt", "DATE", true}};
  return table;
}

access::Grant MakeGrant(const std::string& role, const std::string& database, const std::string& table) {
  access::Grant grant;
  grant.role = role;
  grant.database = database;
  grant.table = table;
  grant.scope = access::ColumnScope::kInclude;
  grant.columns = {"id", "name"};
  return grant;
}

audit::Record MakeRecord(const std::string& action) {
  audit::Record record;
  record.time_us = 1796013262123456;
  record.kind = "admin";
  record.actor = "local:root";
  record.source_identity = "local:root";
  record.action = action;
  record.decision = "allow";
  record.detail = {{"what", action}};
  return record;
}

std::vector<std::string> RoleNames(const MetadataState& state) {
  std::vector<std::string> names;
  for (const auto& role : state.roles) names.push_back(role.name);
  return names;
}

std::vector<std::string> TableNames(const MetadataState& state) {
  std::vector<std::string> names;
  for (const auto& table : state.tables) names.push_back(table.QualifiedName());
  return names;
}

// The same contract, run against every implementation.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      ASSERT_FALSE(dir_.path().empty());
      auto store = OpenSqliteStore(dir_.path() + "/meta.db");
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      store_ = std::move(store).value();
    } else {
      store_ = NewMemoryStore();
    }
  }

  std::unique_ptr<Transaction> Begin() {
    auto txn = store_->Begin();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    return txn.ok() ? std::move(txn).value() : nullptr;
  }

  MetadataState Load() {
    auto state = store_->Load();
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? std::move(state).value() : MetadataState{};
  }

  std::vector<audit::Record> ReadAudit(int64_t after_seq = 0, size_t limit = 1000) {
    auto records = store_->ReadAudit(after_seq, limit);
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    return records.ok() ? std::move(records).value() : std::vector<audit::Record>{};
  }

  // Commits one transaction that runs `body`.
  void Commit(const std::function<void(Transaction&)>& body) {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    body(*txn);
    Status status = txn->Commit();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // Database "sales" with tables "orders" and "customers", roles "analyst"
  // and "auditor", and a grant for each role on each table.
  void Populate() {
    Commit([](Transaction& txn) {
      ASSERT_TRUE(txn.CreateRole(MakeRole("analyst")).ok());
      ASSERT_TRUE(txn.CreateRole(MakeRole("auditor")).ok());
      ASSERT_TRUE(txn.CreateDatabase(MakeDatabase("sales")).ok());
      ASSERT_TRUE(txn.CreateTable(MakeTable("sales", "orders")).ok());
      ASSERT_TRUE(txn.CreateTable(MakeTable("sales", "customers")).ok());
      for (const char* role : {"analyst", "auditor"}) {
        for (const char* table : {"orders", "customers"}) {
          ASSERT_TRUE(txn.AddGrant(MakeGrant(role, "sales", table)).ok());
        }
      }
    });
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, StartsEmpty) {
  MetadataState state = Load();
  EXPECT_EQ(state.version, 0);
  EXPECT_TRUE(state.roles.empty());
  EXPECT_TRUE(state.databases.empty());
  EXPECT_TRUE(state.tables.empty());
  EXPECT_TRUE(state.grants.empty());
  EXPECT_TRUE(ReadAudit().empty());
}

TEST_P(StoreTest, CreatesObjectsAndLoadsThemSorted) {
  Commit([](Transaction& txn) {
    for (const char* role : {"zed", "analyst", "beta"}) ASSERT_TRUE(txn.CreateRole(MakeRole(role)).ok());
    for (const char* db : {"sales", "hr"}) ASSERT_TRUE(txn.CreateDatabase(MakeDatabase(db)).ok());
    ASSERT_TRUE(txn.CreateTable(MakeTable("sales", "orders")).ok());
    ASSERT_TRUE(txn.CreateTable(MakeTable("hr", "people")).ok());
    ASSERT_TRUE(txn.CreateTable(MakeTable("hr", "badges")).ok());
  });
  int64_t first = 0;
  int64_t second = 0;
  Commit([&](Transaction& txn) {
    auto id = txn.AddGrant(MakeGrant("zed", "hr", "people"));
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    first = *id;
    access::Grant all = MakeGrant("analyst", "sales", "orders");
    all.scope = access::ColumnScope::kAll;
    all.columns.clear();
    all.id = 999;  // ignored
    id = txn.AddGrant(all);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    second = *id;
  });
  EXPECT_LT(first, second);

  MetadataState state = Load();
  EXPECT_EQ(RoleNames(state), (std::vector<std::string>{"analyst", "beta", "zed"}));
  EXPECT_EQ(state.roles[0].description, "role analyst");
  ASSERT_EQ(state.databases.size(), 2u);
  EXPECT_EQ(state.databases[0].name, "hr");
  EXPECT_EQ(state.databases[0].description, "database hr");
  EXPECT_EQ(state.databases[1].name, "sales");
  EXPECT_EQ(TableNames(state), (std::vector<std::string>{"hr.badges", "hr.people", "sales.orders"}));

  const catalog::Table& table = state.tables[1];
  catalog::Table expected = MakeTable("hr", "people");
  EXPECT_EQ(table.location, expected.location);
  EXPECT_EQ(table.format, catalog::TableFormat::kCsv);
  ASSERT_EQ(table.columns.size(), expected.columns.size());
  for (size_t i = 0; i < table.columns.size(); ++i) {
    EXPECT_EQ(table.columns[i].name, expected.columns[i].name);
    EXPECT_EQ(table.columns[i].type, expected.columns[i].type);
    EXPECT_EQ(table.columns[i].partition, expected.columns[i].partition);
  }

  ASSERT_EQ(state.grants.size(), 2u);
  EXPECT_EQ(state.grants[0].id, first);
  EXPECT_TRUE(state.grants[0].SameAs(MakeGrant("zed", "hr", "people")));
  EXPECT_EQ(state.grants[1].id, second);
  EXPECT_EQ(state.grants[1].scope, access::ColumnScope::kAll);
  EXPECT_TRUE(state.grants[1].columns.empty());
}

TEST_P(StoreTest, CreatingWhatExistsIsAlreadyExists) {
  Populate();
  struct Case {
    std::string name;
    std::function<Status(Transaction&)> create;
  };
  const std::vector<Case> cases = {
      {"role", [](Transaction& t) { return t.CreateRole(MakeRole("analyst")); }},
      {"database", [](Transaction& t) { return t.CreateDatabase(MakeDatabase("sales")); }},
      {"table", [](Transaction& t) { return t.CreateTable(MakeTable("sales", "orders")); }},
  };
  for (const auto& c : cases) {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    EXPECT_EQ(c.create(*txn).code(), StatusCode::kAlreadyExists) << c.name;
  }
  // Also within one transaction, before anything is committed.
  auto txn = Begin();
  ASSERT_TRUE(txn->CreateRole(MakeRole("fresh")).ok());
  EXPECT_EQ(txn->CreateRole(MakeRole("fresh")).code(), StatusCode::kAlreadyExists);
}

TEST_P(StoreTest, MissingObjectsAreNotFound) {
  Populate();
  struct Case {
    std::string name;
    std::function<Status(Transaction&)> op;
  };
  const std::vector<Case> cases = {
      {"delete role", [](Transaction& t) { return t.DeleteRole("nobody"); }},
      {"delete database", [](Transaction& t) { return t.DeleteDatabase("nowhere"); }},
      {"delete table", [](Transaction& t) { return t.DeleteTable("sales", "nothing"); }},
      {"delete table of missing database", [](Transaction& t) { return t.DeleteTable("nowhere", "orders"); }},
      {"table in missing database", [](Transaction& t) { return t.CreateTable(MakeTable("nowhere", "t")); }},
      {"remove grant", [](Transaction& t) { return t.RemoveGrant(424242); }},
      {"grant to missing role",
       [](Transaction& t) { return t.AddGrant(MakeGrant("nobody", "sales", "orders")).status(); }},
      {"grant on missing table",
       [](Transaction& t) { return t.AddGrant(MakeGrant("analyst", "sales", "nothing")).status(); }},
      {"grant on missing database",
       [](Transaction& t) { return t.AddGrant(MakeGrant("analyst", "nowhere", "orders")).status(); }},
  };
  for (const auto& c : cases) {
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    EXPECT_EQ(c.op(*txn).code(), StatusCode::kNotFound) << c.name;
  }
}

TEST_P(StoreTest, DeletesObjects) {
  Populate();
  MetadataState before = Load();
  ASSERT_EQ(before.grants.size(), 4u);
  Commit([&](Transaction& txn) {
    ASSERT_TRUE(txn.RemoveGrant(before.grants[0].id).ok());
    ASSERT_TRUE(txn.CreateRole(MakeRole("temp")).ok());
    ASSERT_TRUE(txn.DeleteRole("temp").ok());
  });
  MetadataState after = Load();
  ASSERT_EQ(after.grants.size(), 3u);
  EXPECT_EQ(after.grants[0].id, before.grants[1].id);
  EXPECT_EQ(RoleNames(after), (std::vector<std::string>{"analyst", "auditor"}));
}

TEST_P(StoreTest, DeletingDatabaseWithTablesIsFailedPrecondition) {
  Populate();
  {
    auto txn = Begin();
    EXPECT_EQ(txn->DeleteDatabase("sales").code(), StatusCode::kFailedPrecondition);
  }
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.DeleteTable("sales", "orders").ok());
    EXPECT_EQ(txn.DeleteDatabase("sales").code(), StatusCode::kFailedPrecondition);
    ASSERT_TRUE(txn.DeleteTable("sales", "customers").ok());
    ASSERT_TRUE(txn.DeleteDatabase("sales").ok());
  });
  MetadataState state = Load();
  EXPECT_TRUE(state.databases.empty());
  EXPECT_TRUE(state.tables.empty());
  EXPECT_TRUE(state.grants.empty());
}

TEST_P(StoreTest, DataFiltersAndGrantsThroughThem) {
  Populate();
  access::DataFilter filter{"sales", "orders", "big", "(\"amount\" > 100)", access::ColumnScope::kExclude, {"id"}};
  Commit([&](Transaction& txn) {
    ASSERT_TRUE(txn.CreateFilter(filter).ok());
    access::DataFilter all_rows{"sales", "orders", "all", "", access::ColumnScope::kAll, {}};
    ASSERT_TRUE(txn.CreateFilter(all_rows).ok());
    EXPECT_EQ(txn.CreateFilter(filter).code(), StatusCode::kAlreadyExists);
    access::DataFilter missing{"sales", "nope", "x", "", access::ColumnScope::kAll, {}};
    EXPECT_EQ(txn.CreateFilter(missing).code(), StatusCode::kNotFound);
    access::Grant through{0, "analyst", "sales", "orders", access::ColumnScope::kAll, {}, "big"};
    ASSERT_TRUE(txn.AddGrant(through).ok());
    through.filter = "nope";
    EXPECT_EQ(txn.AddGrant(through).status().code(), StatusCode::kNotFound);
  });
  MetadataState state = Load();
  ASSERT_EQ(state.filters.size(), 2u);
  EXPECT_EQ(state.filters[0].name, "all");  // sorted by (database, table, name)
  EXPECT_EQ(state.filters[1], filter);
  EXPECT_EQ(state.grants.back().filter, "big");

  // Deleting the filter deletes the grants on it; deleting the table, its filters.
  size_t grants = state.grants.size();
  Commit([](Transaction& txn) {
    EXPECT_EQ(txn.DeleteFilter("sales", "orders", "nope").code(), StatusCode::kNotFound);
    ASSERT_TRUE(txn.DeleteFilter("sales", "orders", "big").ok());
  });
  state = Load();
  EXPECT_EQ(state.grants.size(), grants - 1);
  Commit([](Transaction& txn) { ASSERT_TRUE(txn.DeleteTable("sales", "orders").ok()); });
  EXPECT_TRUE(Load().filters.empty());
}

TEST_P(StoreTest, PrincipalsPoliciesAndTheCluster) {
  Populate();
  iam::User user;
  user.name = "david";
  user.execution_role = "analyst";
  user.password = {4096, "c2FsdA==", "c3RvcmVk", "c2VydmVy"};
  user.tags = {{"team", "marketing"}};
  user.access_keys.push_back({"AKIAEXAMPLE", {4096, "cw==", "aw==", "cw=="}, true, 42});
  iam::ManagedPolicy policy{"read-all", "reads", R"({"Version":"2012-10-17","Statement":[]})"};
  iam::Cluster cluster;
  cluster.tags = {{"team", "sales"}};
  Commit([&](Transaction& txn) {
    ASSERT_TRUE(txn.CreateUser(user).ok());
    EXPECT_EQ(txn.CreateUser(user).code(), StatusCode::kAlreadyExists);
    iam::User orphan = user;
    orphan.name = "tina";
    orphan.execution_role = "nope";
    EXPECT_EQ(txn.CreateUser(orphan).code(), StatusCode::kNotFound);
    ASSERT_TRUE(txn.CreatePolicy(policy).ok());
    EXPECT_EQ(txn.CreatePolicy(policy).code(), StatusCode::kAlreadyExists);
    iam::Role role = MakeRole("analyst");
    role.trust_policy = R"({"Version":"2012-10-17","Statement":[]})";
    role.managed_policies = {"read-all"};
    role.inline_policies = {{"extra", "{}"}};
    role.tags = {{"k", "v"}};
    ASSERT_TRUE(txn.UpdateRole(role).ok());
    EXPECT_EQ(txn.UpdateRole(MakeRole("nope")).code(), StatusCode::kNotFound);
    ASSERT_TRUE(txn.PutCluster(cluster).ok());
  });
  MetadataState state = Load();
  ASSERT_EQ(state.users.size(), 1u);
  EXPECT_EQ(state.users[0], user);
  ASSERT_EQ(state.policies.size(), 1u);
  EXPECT_EQ(state.policies[0], policy);
  EXPECT_EQ(state.cluster, cluster);
  EXPECT_EQ(state.roles[0].managed_policies, std::vector<std::string>{"read-all"});
  EXPECT_EQ(state.roles[0].tags.at("k"), "v");

  // An execution role cannot be deleted while a user needs it.
  {
    auto txn = Begin();
    EXPECT_EQ(txn->DeleteRole("analyst").code(), StatusCode::kFailedPrecondition);
  }
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.DeleteUser("david").ok());
    EXPECT_EQ(txn.DeleteUser("david").code(), StatusCode::kNotFound);
    ASSERT_TRUE(txn.DeletePolicy("read-all").ok());
    ASSERT_TRUE(txn.DeleteRole("analyst").ok());
  });
  state = Load();
  EXPECT_TRUE(state.users.empty());
  EXPECT_TRUE(state.policies.empty());
}

TEST_P(StoreTest, DeletingRoleOrTableCascadesToGrants) {
  Populate();
  Commit([](Transaction& txn) { ASSERT_TRUE(txn.DeleteRole("auditor").ok()); });
  MetadataState state = Load();
  ASSERT_EQ(state.grants.size(), 2u);
  for (const auto& grant : state.grants) EXPECT_EQ(grant.role, "analyst");

  Commit([](Transaction& txn) { ASSERT_TRUE(txn.DeleteTable("sales", "orders").ok()); });
  state = Load();
  ASSERT_EQ(state.grants.size(), 1u);
  EXPECT_EQ(state.grants[0].role, "analyst");
  EXPECT_EQ(state.grants[0].table, "customers");
}

TEST_P(StoreTest, UncommittedTransactionLeavesNothing) {
  Populate();
  MetadataState before = Load();
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->CreateRole(MakeRole("ghost")).ok());
    ASSERT_TRUE(txn->DeleteRole("auditor").ok());
    ASSERT_TRUE(txn->CreateDatabase(MakeDatabase("ghosts")).ok());
    ASSERT_TRUE(txn->CreateTable(MakeTable("ghosts", "boo")).ok());
    ASSERT_TRUE(txn->AddGrant(MakeGrant("ghost", "ghosts", "boo")).ok());
    ASSERT_TRUE(txn->AppendAudit(MakeRecord("create_role")).ok());
    // The transaction sees its own changes; the store does not yet.
    auto inside = txn->Load();
    ASSERT_TRUE(inside.ok());
    EXPECT_EQ(RoleNames(*inside), (std::vector<std::string>{"analyst", "ghost"}));
    EXPECT_EQ(RoleNames(Load()), RoleNames(before));
  }
  MetadataState after = Load();
  EXPECT_EQ(after.version, before.version);
  EXPECT_EQ(RoleNames(after), RoleNames(before));
  EXPECT_EQ(TableNames(after), TableNames(before));
  EXPECT_EQ(after.databases.size(), before.databases.size());
  EXPECT_EQ(after.grants.size(), before.grants.size());
  EXPECT_TRUE(ReadAudit().empty());
}

TEST_P(StoreTest, AuditRecordsAppearOnCommitOnly) {
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->AppendAudit(MakeRecord("rolled_back")).ok());
  }
  EXPECT_TRUE(ReadAudit().empty());

  std::vector<int64_t> seqs;
  Commit([&](Transaction& txn) {
    for (const char* action : {"create_role", "grant", "revoke"}) {
      audit::Record record = MakeRecord(action);
      record.seq = 1000;  // ignored
      auto seq = txn.AppendAudit(record);
      ASSERT_TRUE(seq.ok()) << seq.status().ToString();
      seqs.push_back(*seq);
    }
  });
  ASSERT_EQ(seqs.size(), 3u);
  EXPECT_LT(seqs[0], seqs[1]);
  EXPECT_LT(seqs[1], seqs[2]);

  std::vector<audit::Record> records = ReadAudit();
  ASSERT_EQ(records.size(), 3u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, seqs[i]);
    EXPECT_EQ(records[i].kind, "admin");
    EXPECT_EQ(records[i].time_us, 1796013262123456);
    EXPECT_EQ(records[i].detail, MakeRecord(records[i].action).detail);
  }
  EXPECT_EQ(records[0].action, "create_role");
  EXPECT_EQ(records[2].action, "revoke");

  // Paging: after a seq, at most `limit`.
  std::vector<audit::Record> page = ReadAudit(seqs[0], 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].seq, seqs[1]);
  EXPECT_TRUE(ReadAudit(seqs[2]).empty());
  EXPECT_TRUE(ReadAudit(0, 0).empty());
}

TEST_P(StoreTest, GroupAppendedAuditKeepsOrderWithoutBumpingVersion) {
  Commit([](Transaction& txn) { ASSERT_TRUE(txn.AppendAudit(MakeRecord("admin")).ok()); });
  std::vector<audit::Record> batch;
  for (int i = 0; i < 5; ++i) {
    audit::Record record = MakeRecord("query");
    record.kind = "query";
    record.statement = "SELECT " + std::to_string(i);
    record.tables = {"sales.orders"};
    record.rows = i;
    batch.push_back(record);
  }
  ASSERT_TRUE(store_->AppendAudit(batch).ok());
  ASSERT_TRUE(store_->AppendAudit({}).ok());
  EXPECT_EQ(Load().version, 1);

  std::vector<audit::Record> records = ReadAudit();
  ASSERT_EQ(records.size(), 6u);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_LT(records[i - 1].seq, records[i].seq);
    EXPECT_EQ(records[i].statement, "SELECT " + std::to_string(i - 1));
    EXPECT_EQ(records[i].rows, static_cast<int64_t>(i - 1));
    EXPECT_EQ(records[i].tables, std::vector<std::string>{"sales.orders"});
  }
}

// Each record chains to the one before it, from the genesis value, across
// transactions and group commits; a rolled-back transaction leaves no link.
TEST_P(StoreTest, AuditRecordsAreHashChained) {
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.AppendAudit(MakeRecord("create_role")).ok());
    ASSERT_TRUE(txn.AppendAudit(MakeRecord("grant")).ok());
  });
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->AppendAudit(MakeRecord("rolled_back")).ok());
  }
  audit::Record forged = MakeRecord("query");
  forged.prev_hash = "forged";  // ignored: the store chains
  forged.hash = "forged";
  ASSERT_TRUE(store_->AppendAudit({forged, MakeRecord("query")}).ok());
  Commit([](Transaction& txn) { ASSERT_TRUE(txn.AppendAudit(MakeRecord("revoke")).ok()); });

  std::vector<audit::Record> records = ReadAudit();
  ASSERT_EQ(records.size(), 5u);
  std::string previous = audit::kGenesisHash;
  for (const auto& record : records) {
    EXPECT_EQ(record.prev_hash, previous) << record.seq;
    EXPECT_EQ(record.hash, audit::ChainHash(record)) << record.seq;
    EXPECT_EQ(record.hash.size(), 64u);
    previous = record.hash;
  }
}

TEST_P(StoreTest, VersionIncrementsPerCommit) {
  EXPECT_EQ(Load().version, 0);
  for (int i = 1; i <= 3; ++i) {
    Commit([&](Transaction& txn) { ASSERT_TRUE(txn.CreateRole(MakeRole("r" + std::to_string(i))).ok()); });
    EXPECT_EQ(Load().version, i);
  }
  { auto rolled_back = Begin(); }
  EXPECT_EQ(Load().version, 3);
}

TEST_P(StoreTest, FailedOperationLeavesTransactionUsable) {
  Populate();
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.CreateRole(MakeRole("first")).ok());
    EXPECT_EQ(txn.CreateRole(MakeRole("analyst")).code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(txn.DeleteDatabase("sales").code(), StatusCode::kFailedPrecondition);
    ASSERT_TRUE(txn.CreateRole(MakeRole("second")).ok());
  });
  EXPECT_EQ(RoleNames(Load()), (std::vector<std::string>{"analyst", "auditor", "first", "second"}));
  EXPECT_EQ(TableNames(Load()).size(), 2u);
}

TEST_P(StoreTest, CommittedTransactionCannotBeReused) {
  auto txn = Begin();
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(txn->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(txn->CreateRole(MakeRole("late")).code(), StatusCode::kFailedPrecondition);
  // The writer lock was released at Commit.
  auto next = Begin();
  ASSERT_NE(next, nullptr);
}

TEST_P(StoreTest, LoadDoesNotWaitForOpenTransaction) {
  Populate();
  auto txn = Begin();
  ASSERT_TRUE(txn->CreateRole(MakeRole("pending")).ok());
  // Same thread: this would deadlock if Load waited for the writer.
  EXPECT_EQ(Load().roles.size(), 2u);
  EXPECT_TRUE(ReadAudit().empty());
}

TEST_P(StoreTest, WritersFromSeveralThreadsSerialize) {
  constexpr int kThreads = 4;
  constexpr int kCommitsEach = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kCommitsEach; ++i) {
        auto txn = store_->Begin();
        ASSERT_TRUE(txn.ok()) << txn.status().ToString();
        std::string name = "r" + std::to_string(t) + "_" + std::to_string(i);
        ASSERT_TRUE((*txn)->CreateRole(MakeRole(name)).ok());
        ASSERT_TRUE((*txn)->AppendAudit(MakeRecord(name)).ok());
        ASSERT_TRUE((*txn)->Commit().ok());
        ASSERT_TRUE(store_->AppendAudit({MakeRecord("query")}).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  MetadataState state = Load();
  EXPECT_EQ(state.version, kThreads * kCommitsEach);
  EXPECT_EQ(state.roles.size(), static_cast<size_t>(kThreads * kCommitsEach));
  std::vector<audit::Record> records = ReadAudit(0, 10000);
  ASSERT_EQ(records.size(), static_cast<size_t>(2 * kThreads * kCommitsEach));
  for (size_t i = 1; i < records.size(); ++i) EXPECT_LT(records[i - 1].seq, records[i].seq);
}

TEST_P(StoreTest, LfTagsAssignmentsAndTagGrants) {
  Populate();
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.CreateLfTag({"pii", {"no", "yes"}}).ok());
    ASSERT_TRUE(txn.CreateLfTag({"domain", {"sales"}}).ok());
    EXPECT_EQ(txn.CreateLfTag({"pii", {"no"}}).code(), StatusCode::kAlreadyExists);
    ASSERT_TRUE(txn.AssignLfTag({{"sales", "", ""}, "domain", "sales"}).ok());
    ASSERT_TRUE(txn.AssignLfTag({{"sales", "orders", ""}, "pii", "no"}).ok());
    ASSERT_TRUE(txn.AssignLfTag({{"sales", "orders", "id"}, "pii", "no"}).ok());
    // A second value of the same key replaces the first.
    ASSERT_TRUE(txn.AssignLfTag({{"sales", "orders", "id"}, "pii", "yes"}).ok());
    ASSERT_TRUE(txn.AssignLfTag({{"sales", "customers", ""}, "pii", "yes"}).ok());
    EXPECT_EQ(txn.AssignLfTag({{"sales", "orders", ""}, "color", "red"}).code(), StatusCode::kNotFound);
    EXPECT_EQ(txn.AssignLfTag({{"nodb", "", ""}, "pii", "no"}).code(), StatusCode::kNotFound);
    EXPECT_EQ(txn.AssignLfTag({{"sales", "nope", ""}, "pii", "no"}).code(), StatusCode::kNotFound);
    access::Grant g;
    g.role = "analyst";
    g.kind = access::ResourceKind::kLfTagPolicyTable;
    g.expression = {{"domain", {"sales"}}, {"pii", {"no", "yes"}}};
    g.permissions = {access::Permission::kSelect};
    ASSERT_TRUE(txn.AddGrant(g).ok());
  });
  MetadataState state = Load();
  EXPECT_EQ(state.lf_tags, (std::vector<access::LfTag>{{"domain", {"sales"}}, {"pii", {"no", "yes"}}}));
  EXPECT_EQ(state.tag_assignments, (std::vector<access::TagAssignment>{
                                       {{"sales", "", ""}, "domain", "sales"},
                                       {{"sales", "customers", ""}, "pii", "yes"},
                                       {{"sales", "orders", ""}, "pii", "no"},
                                       {{"sales", "orders", "id"}, "pii", "yes"},
                                   }));
  ASSERT_EQ(state.grants.back().kind, access::ResourceKind::kLfTagPolicyTable);
  EXPECT_EQ(state.grants.back().expression, (access::TagExpression{{"domain", {"sales"}}, {"pii", {"no", "yes"}}}));

  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.UpdateLfTag({"pii", {"maybe", "no", "yes"}}).ok());
    EXPECT_EQ(txn.UpdateLfTag({"color", {"red"}}).code(), StatusCode::kNotFound);
    ASSERT_TRUE(txn.UnassignLfTag({"sales", "customers", ""}, "pii").ok());
    EXPECT_EQ(txn.UnassignLfTag({"sales", "customers", ""}, "pii").code(), StatusCode::kNotFound);
    // Dropping a table takes its own and its columns' tags.
    ASSERT_TRUE(txn.DeleteTable("sales", "orders").ok());
  });
  state = Load();
  EXPECT_EQ(state.lf_tags[1].values, (std::vector<std::string>{"maybe", "no", "yes"}));
  EXPECT_EQ(state.tag_assignments, (std::vector<access::TagAssignment>{{{"sales", "", ""}, "domain", "sales"}}));

  // Deleting a tag takes its assignments.
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.DeleteLfTag("domain").ok());
    EXPECT_EQ(txn.DeleteLfTag("domain").code(), StatusCode::kNotFound);
  });
  state = Load();
  EXPECT_TRUE(state.tag_assignments.empty());
  EXPECT_EQ(state.lf_tags.size(), 1u);
}

TEST_P(StoreTest, DeletingADatabaseTakesItsTags) {
  Commit([](Transaction& txn) {
    ASSERT_TRUE(txn.CreateDatabase(MakeDatabase("empty")).ok());
    ASSERT_TRUE(txn.CreateLfTag({"pii", {"no"}}).ok());
    ASSERT_TRUE(txn.AssignLfTag({{"empty", "", ""}, "pii", "no"}).ok());
  });
  Commit([](Transaction& txn) { ASSERT_TRUE(txn.DeleteDatabase("empty").ok()); });
  EXPECT_TRUE(Load().tag_assignments.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "memory"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

// ---- SQLite only: the file ----

// Runs `sql` on the file directly, bypassing the store.
void ExecRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::string QueryTextRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string text;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return text;
}

TEST(SqliteStore, ReopeningKeepsEverything) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  int64_t grant_id = 0;
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->CreateRole(MakeRole("analyst")).ok());
    ASSERT_TRUE((*txn)->CreateDatabase(MakeDatabase("sales")).ok());
    ASSERT_TRUE((*txn)->CreateTable(MakeTable("sales", "orders")).ok());
    auto id = (*txn)->AddGrant(MakeGrant("analyst", "sales", "orders"));
    ASSERT_TRUE(id.ok());
    grant_id = *id;
    ASSERT_TRUE((*txn)->AppendAudit(MakeRecord("grant")).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
    ASSERT_TRUE((*store)->AppendAudit({MakeRecord("query")}).ok());
  }
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto state = (*store)->Load();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->version, 1);
  EXPECT_EQ(RoleNames(*state), std::vector<std::string>{"analyst"});
  EXPECT_EQ(TableNames(*state), std::vector<std::string>{"sales.orders"});
  ASSERT_EQ(state->grants.size(), 1u);
  EXPECT_EQ(state->grants[0].id, grant_id);
  EXPECT_TRUE(state->grants[0].SameAs(MakeGrant("analyst", "sales", "orders")));
  auto records = (*store)->ReadAudit(0, 10);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].action, "grant");
  EXPECT_EQ((*records)[1].action, "query");

  // Cascades still hold after reopening: foreign keys are per connection.
  auto txn = (*store)->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->DeleteRole("analyst").ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_TRUE((*store)->Load()->grants.empty());
}

TEST(SqliteStore, MigrationFiveKeepsGrantsAndAddsTags) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->CreateRole(MakeRole("analyst")).ok());
    ASSERT_TRUE((*txn)->CreateDatabase(MakeDatabase("sales")).ok());
    ASSERT_TRUE((*txn)->CreateTable(MakeTable("sales", "orders")).ok());
    ASSERT_TRUE((*txn)->AddGrant(MakeGrant("analyst", "sales", "orders")).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  // Back to version 4: without what migrations 5 and 6 add.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db,
                        "DROP TABLE lf_tag_assignments; DROP TABLE lf_tags; ALTER TABLE grants DROP COLUMN expression; "
                        "ALTER TABLE audit DROP COLUMN hash; PRAGMA user_version = 4;",
                        nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;

  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(QueryTextRaw(path, "PRAGMA user_version"), "6");
  auto state = (*store)->Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->grants.size(), 1u);
  EXPECT_TRUE(state->grants[0].expression.empty());
  EXPECT_TRUE(state->lf_tags.empty());
  auto txn = (*store)->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->CreateLfTag({"pii", {"no"}}).ok());
  ASSERT_TRUE((*txn)->AssignLfTag({{"sales", "orders", "id"}, "pii", "no"}).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ((*store)->Load()->tag_assignments.size(), 1u);
}

TEST(SqliteStore, UsesWalJournal) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  EXPECT_EQ(QueryTextRaw(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryTextRaw(path, "PRAGMA user_version"), "6");  // every migration applied
}

// Records written before migration 6 are chained by it, in seq order.
TEST(SqliteStore, ChainMigrationChainsExistingRecords) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->AppendAudit({MakeRecord("a"), MakeRecord("b"), MakeRecord("c")}).ok());
  }
  // The file as version 5 left it: no hash column, records without hashes.
  ExecRaw(path, R"(UPDATE audit SET record = json_remove(record, '$.prev_hash', '$.hash');
ALTER TABLE audit DROP COLUMN hash;
PRAGMA user_version = 5;)");
  ASSERT_EQ(QueryTextRaw(path, "SELECT json_extract(record, '$.hash') IS NULL FROM audit WHERE seq = 2"), "1");

  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto records = (*store)->ReadAudit(0, 10);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 3u);
  std::string previous = audit::kGenesisHash;
  for (const auto& record : *records) {
    EXPECT_EQ(record.prev_hash, previous);
    EXPECT_EQ(record.hash, audit::ChainHash(record));
    previous = record.hash;
  }
  EXPECT_EQ(QueryTextRaw(path, "SELECT hash FROM audit WHERE seq = 3"), previous);
  // New records continue the chain.
  ASSERT_TRUE((*store)->AppendAudit({MakeRecord("d")}).ok());
  auto next = (*store)->ReadAudit(3, 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].prev_hash, previous);
}

// A read-only open sees what a writer commits, takes no lock and refuses writes.
TEST(SqliteStore, ReadOnlyOpenReadsBesideAWriter) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  auto writer = OpenSqliteStore(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->AppendAudit({MakeRecord("a")}).ok());

  auto reader = OpenSqliteStoreReadOnly(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->ReadAudit(0, 10)->size(), 1u);
  auto txn = (*writer)->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->CreateRole(MakeRole("analyst")).ok());
  ASSERT_TRUE((*txn)->AppendAudit(MakeRecord("create_role")).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ((*reader)->ReadAudit(0, 10)->size(), 2u);
  EXPECT_EQ(RoleNames(*(*reader)->Load()), std::vector<std::string>{"analyst"});

  EXPECT_EQ((*reader)->Begin().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*reader)->AppendAudit({MakeRecord("b")}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(OpenSqliteStoreReadOnly(dir.path() + "/missing.db").status().code(), StatusCode::kIoError);
}

TEST(SqliteStore, RefusesNewerSchemaVersion) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  ExecRaw(path, "PRAGMA user_version = 999");
  auto store = OpenSqliteStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST(SqliteStore, UnopenablePathIsIoError) {
  TempDir dir;
  auto store = OpenSqliteStore(dir.path() + "/missing/dir/meta.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace weir::store
