#include "audit/record.h"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir::audit {
namespace {

Record QueryRecord() {
  Record r;
  r.seq = 42;
  r.time_us = 1796013262123456;  // 2026-11-30T04:34:22.123456Z
  r.kind = "query";
  r.actor = "alice";
  r.source_identity = "alice@example.com";
  r.role = "analyst";
  r.action = "query";
  r.decision = "deny";
  r.statement = "SELECT ssn FROM hr.people";
  r.tables = {"hr.people"};
  r.columns = {"hr.people.ssn", "hr.people.name"};
  r.rows = 0;
  r.duration_us = 1234;
  r.error = "42501: permission denied for column ssn";
  return r;
}

Record AdminRecord() {
  Record r;
  r.seq = 7;
  r.time_us = 1796013262000001;
  r.kind = "admin";
  r.actor = "local:root";
  r.source_identity = "local:root";
  r.role = "";
  r.action = "grant";
  r.decision = "allow";
  r.detail = {{"role", "analyst"}, {"table", "hr.people"}, {"columns", {"name"}}};
  return r;
}

void ExpectSame(const Record& a, const Record& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.time_us, b.time_us);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.source_identity, b.source_identity);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.decision, b.decision);
  EXPECT_EQ(a.statement, b.statement);
  EXPECT_EQ(a.tables, b.tables);
  EXPECT_EQ(a.columns, b.columns);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.duration_us, b.duration_us);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.detail, b.detail);
}

TEST(Record, RoundTripsThroughJson) {
  Record allowed = QueryRecord();
  allowed.decision = "allow";
  allowed.error.clear();
  allowed.rows = 17;
  for (const Record& original : {QueryRecord(), allowed, AdminRecord()}) {
    SCOPED_TRACE(original.kind + "/" + original.decision);
    // Through text too, as the store and the jsonl file do.
    nlohmann::json json = nlohmann::json::parse(ToJson(original).dump());
    Record parsed;
    ASSERT_TRUE(FromJson(json, &parsed));
    ExpectSame(original, parsed);
  }
}

TEST(Record, TimeIsIso8601UtcWithMicroseconds) {
  struct Case {
    int64_t time_us;
    std::string time;
  };
  const std::vector<Case> cases = {
      {1796013262123456, "2026-11-30T04:34:22.123456Z"},
      {0, "1970-01-01T00:00:00.000000Z"},
      {-1, "1969-12-31T23:59:59.999999Z"},
  };
  for (const auto& c : cases) {
    Record r = AdminRecord();
    r.time_us = c.time_us;
    nlohmann::json json = ToJson(r);
    EXPECT_EQ(json["time"], c.time);
    EXPECT_EQ(json["time_us"], c.time_us);
  }
}

TEST(Record, QueryFieldsOnlyOnQueryRecords) {
  nlohmann::json admin = ToJson(AdminRecord());
  for (const char* key : {"statement", "tables", "columns", "rows", "duration_us", "error"}) {
    EXPECT_FALSE(admin.contains(key)) << key;
  }
  EXPECT_TRUE(admin["detail"].is_object());

  Record allowed = QueryRecord();
  allowed.error.clear();
  nlohmann::json query = ToJson(allowed);
  for (const char* key : {"statement", "tables", "columns", "rows", "duration_us", "detail"}) {
    EXPECT_TRUE(query.contains(key)) << key;
  }
  EXPECT_FALSE(query.contains("error"));
  EXPECT_TRUE(ToJson(QueryRecord()).contains("error"));
}

TEST(Record, RejectsMalformedDocuments) {
  const std::string valid_query = ToJson(QueryRecord()).dump();
  struct Case {
    std::string name;
    nlohmann::json json;
  };
  auto with = [&](const std::string& key, nlohmann::json value) {
    nlohmann::json json = nlohmann::json::parse(valid_query);
    json[key] = std::move(value);
    return json;
  };
  auto without = [&](const std::string& key) {
    nlohmann::json json = nlohmann::json::parse(valid_query);
    json.erase(key);
    return json;
  };
  const std::vector<Case> cases = {
      {"array", nlohmann::json::array({1, 2})},
      {"string", "seq"},
      {"null", nullptr},
      {"no seq", without("seq")},
      {"seq as string", with("seq", "42")},
      {"seq as float", with("seq", 4.2)},
      {"seq beyond int64", with("seq", uint64_t{18446744073709551615u})},
      {"no time_us", without("time_us")},
      {"time as number", with("time", 5)},
      {"no kind", without("kind")},
      {"actor as null", with("actor", nullptr)},
      {"no decision", without("decision")},
      {"no statement", without("statement")},
      {"tables not an array", with("tables", "hr.people")},
      {"columns with a number", with("columns", nlohmann::json::array({"a", 1}))},
      {"rows as string", with("rows", "0")},
      {"error as number", with("error", 1)},
      {"no detail", without("detail")},
      {"detail as array", with("detail", nlohmann::json::array())},
  };
  for (const auto& c : cases) {
    Record out;
    out.actor = "untouched";
    EXPECT_FALSE(FromJson(c.json, &out)) << c.name;
    EXPECT_EQ(out.actor, "untouched") << c.name;
  }
}

// The hash covers every field, the seq and the link to the previous record,
// and not itself; it survives the JSON round trip.
TEST(ChainHash, CoversEveryFieldButItself) {
  Record base = QueryRecord();
  Chain(kGenesisHash, &base);
  EXPECT_EQ(base.prev_hash, kGenesisHash);
  EXPECT_EQ(base.hash.size(), 64u);
  EXPECT_EQ(base.hash.find_first_not_of("0123456789abcdef"), std::string::npos);

  Record copy = base;
  copy.hash = "something else";
  EXPECT_EQ(ChainHash(copy), base.hash);

  Record parsed;
  ASSERT_TRUE(FromJson(nlohmann::json::parse(ToJson(base).dump()), &parsed));
  EXPECT_EQ(ChainHash(parsed), base.hash);

  std::vector<std::function<void(Record&)>> edits = {
      [](Record& r) { r.seq += 1; },
      [](Record& r) { r.time_us += 1; },
      [](Record& r) { r.actor = "mallory"; },
      [](Record& r) { r.source_identity = "mallory"; },
      [](Record& r) { r.role = "admin"; },
      [](Record& r) { r.action = "other"; },
      [](Record& r) { r.decision = "allow"; },
      [](Record& r) { r.statement += " "; },
      [](Record& r) { r.tables.clear(); },
      [](Record& r) { r.columns.pop_back(); },
      [](Record& r) { r.rows = 1; },
      [](Record& r) { r.duration_us = 1; },
      [](Record& r) { r.error.clear(); },
      [](Record& r) { r.detail["x"] = 1; },
      [](Record& r) { r.prev_hash = std::string(64, '1'); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    Record edited = base;
    edits[i](edited);
    EXPECT_NE(ChainHash(edited), base.hash) << "edit " << i;
  }
}

TEST(FromJson, RefusesRecordsWithoutTheChain) {
  Record record = AdminRecord();
  Chain(kGenesisHash, &record);
  for (const char* key : {"prev_hash", "hash"}) {
    nlohmann::json json = ToJson(record);
    json.erase(key);
    Record out;
    EXPECT_FALSE(FromJson(json, &out)) << key;
  }
}

}  // namespace
}  // namespace weir::audit
