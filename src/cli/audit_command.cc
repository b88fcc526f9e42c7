// weir audit: list and follow audit records; weir audit verify: check the
// hash chain. Beside a server holding the data directory, the listing goes
// through its admin API (GET /v1/audit); otherwise, and for verify, the
// metadata store is opened read-only, which works beside a server too.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "access/snapshot.h"
#include "admin/actions.h"
#include "audit/audit_log.h"
#include "audit/record.h"
#include "audit/trail.h"
#include "cli/caller.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/remote.h"
#include "cli/verb.h"
#include "store/store.h"

namespace weir::cli {

namespace {

// Records per ReadAudit() call.
constexpr size_t kReadBatch = 1000;
// How often --follow looks for new records.
constexpr std::chrono::milliseconds kFollowInterval{200};

// Opens D's store read-only and authorizes the caller for the audit trail:
// the local administrator always, a user ($WEIR_USER) when its policies
// allow cloudtrail:LookupEvents. Exits on failure.
std::unique_ptr<store::Store> OpenAuthorizedOrDie(const GlobalOptions& options) {
  const std::string db = options.data_dir + "/weir.db";
  if (!std::filesystem::exists(db)) {
    Finish(Status::FailedPrecondition("data directory " + options.data_dir + " is not initialized (run: weir init " +
                                      "--data-dir " + options.data_dir + ")"));
  }
  auto store = store::OpenSqliteStoreReadOnly(db);
  if (!store.ok()) Finish(store.status());
  auto state = (*store)->Load();
  if (!state.ok()) Finish(state.status());
  auto caller = ActingCaller(options, *state);
  if (!caller.ok()) Finish(caller.status());
  // Known limitation: a denial here is not audited, as the store is open
  // read-only (a server may be holding it).
  access::Snapshot snapshot(*state);
  Status allowed = admin::Authorize(*caller, snapshot.directory(), {admin::Operation::kLookupAuditEvents});
  if (!allowed.ok()) Finish(allowed);
  return std::move(store).value();
}

// What a record is about, in a few words: the statement, else the error,
// else the detail.
std::string Summary(const audit::Record& record) {
  if (!record.statement.empty()) return record.statement;
  if (!record.error.empty()) return record.error;
  if (record.detail.is_object() && !record.detail.empty()) {
    return record.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return "";
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

void PrintHeader() {
  std::cout << Pad("SEQ", 8) << Pad("TIME", 29) << Pad("USER", 16) << Pad("ROLE", 24) << Pad("ACTION", 20)
            << Pad("DECISION", 10) << "WHAT\n";
}

void Print(const audit::Record& record, bool json) {
  nlohmann::json rendered = audit::ToJson(record);
  if (json) {
    std::cout << rendered.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::string user = record.actor;
    if (!record.source_identity.empty() && record.source_identity != record.actor) {
      user += " (" + record.source_identity + ")";
    }
    std::string what = Summary(record);
    for (char& c : what) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    std::cout << Pad(std::to_string(record.seq), 8) << Pad(rendered["time"].get<std::string>(), 29) << Pad(user, 16)
              << Pad(record.role, 24) << Pad(record.action, 20) << Pad(record.decision, 10) << what << "\n";
  }
}

// One page of matching records after seq `after` (exclusive): the records,
// the seq to read after next, and whether the trail was read to its end.
struct Page {
  std::vector<audit::Record> records;
  int64_t next_after = 0;
  bool end = true;
};
using PageReader = std::function<Result<Page>(int64_t after)>;

// Pages through the store opened read-only, filtering here.
PageReader StorePages(std::shared_ptr<store::Store> store, audit::Query query) {
  return [store, query](int64_t after) -> Result<Page> {
    WEIR_ASSIGN_OR_RETURN(auto batch, store->ReadAudit(after, kReadBatch));
    Page page;
    page.next_after = after;
    page.end = batch.size() < kReadBatch;
    for (auto& record : batch) {
      page.next_after = record.seq;
      if (audit::Matches(query, record)) page.records.push_back(std::move(record));
    }
    return page;
  };
}

// Pages through a running server's GET /v1/audit, which filters.
PageReader ApiPages(Remote remote, std::vector<std::pair<std::string, std::string>> filters) {
  return [remote, filters](int64_t after) -> Result<Page> {
    auto query = filters;
    query.emplace_back("after", std::to_string(after));
    query.emplace_back("limit", std::to_string(kReadBatch));
    WEIR_ASSIGN_OR_RETURN(Json answer, CallApi(remote, "GET", ApiPath({"audit"}, query), nullptr));
    Page page;
    page.next_after = answer.value("next_after", after);
    page.end = answer["records"].size() < kReadBatch;
    for (const auto& item : answer["records"]) {
      audit::Record record;
      if (!audit::FromJson(nlohmann::json(item), &record)) {
        return Status::Internal("the server sent an audit record that does not parse");
      }
      page.records.push_back(std::move(record));
    }
    return page;
  };
}

struct ListArgs {
  std::string user;
  std::string role;
  std::string since;
  std::string until;
  std::string action;
  std::string decision;
  int64_t limit = 0;
  bool json = false;
  bool follow = false;
};

[[noreturn]] void RunList(const GlobalOptions& options, const ListArgs& args) {
  audit::Query query;
  query.user = args.user;
  query.role = args.role;
  query.action = args.action;
  query.decision = args.decision;
  if (!query.decision.empty() && query.decision != "allow" && query.decision != "deny" && query.decision != "error") {
    Finish(Status::InvalidArgument("--decision must be allow, deny or error, not '" + query.decision + "'"));
  }
  if (args.limit < 0) Finish(Status::InvalidArgument("--limit must not be negative"));
  const int64_t now = audit::NowMicros();
  for (auto [text, bound] : {std::pair{&args.since, &query.since_us}, std::pair{&args.until, &query.until_us}}) {
    if (text->empty()) continue;
    auto parsed = audit::ParseTimeBound(*text, now);
    if (!parsed.ok()) Finish(parsed.status());
    *bound = *parsed;
  }
  // Through a running server's API when there is one and credentials for
  // it (the server authorizes the caller), else from the store opened
  // read-only, which works beside a server too (as it always has, for
  // whoever may open the data directory).
  auto remote = FindServer(options, options.server);
  if (!remote.ok() && !options.server.empty()) Finish(remote.status());
  PageReader read;
  if (remote.ok() && *remote) {
    read = ApiPages(**remote, {{"user", args.user},
                               {"role", args.role},
                               {"action", args.action},
                               {"decision", args.decision},
                               {"since", args.since},
                               {"until", args.until}});
  } else {
    read = StorePages(OpenAuthorizedOrDie(options), query);
  }

  // The matching records; with --limit, only the newest that many.
  std::deque<audit::Record> matched;
  int64_t after = 0;
  while (true) {
    auto page = read(after);
    if (!page.ok()) Finish(page.status());
    after = page->next_after;
    for (auto& record : page->records) {
      matched.push_back(std::move(record));
      if (args.limit > 0 && static_cast<int64_t>(matched.size()) > args.limit) matched.pop_front();
    }
    if (page->end) break;
  }
  if (!args.json) PrintHeader();
  for (const auto& record : matched) Print(record, args.json);
  std::cout.flush();
  if (!args.follow) Finish(Status::Ok());

  // Poll for what is committed from now on (a running server's records
  // included): the read-only connection sees each new commit.
  while (true) {
    std::this_thread::sleep_for(kFollowInterval);
    while (true) {
      auto page = read(after);
      if (!page.ok()) Finish(page.status());
      after = page->next_after;
      for (const auto& record : page->records) Print(record, args.json);
      std::cout.flush();
      if (page->end) break;
    }
  }
}

[[noreturn]] void RunVerify(const GlobalOptions& options, bool json) {
  std::unique_ptr<store::Store> store = OpenAuthorizedOrDie(options);
  auto report = audit::Verify(*store, options.data_dir + "/audit");
  if (!report.ok()) Finish(report.status());
  if (json) {
    nlohmann::json out = {
        {"ok", !report->broken}, {"records", report->records},           {"last_seq", report->last_seq},
        {"head", report->head},  {"file_records", report->file_records}, {"files", report->files.size()}};
    if (report->broken) {
      out["broken"] = {
          {"seq", report->broken->seq}, {"where", report->broken->where}, {"problem", report->broken->problem}};
    }
    std::cout << out.dump() << "\n";
  } else if (report->broken) {
    std::cout << "broken: seq " << report->broken->seq << " (" << report->broken->where
              << "): " << report->broken->problem << "\n";
  } else {
    std::cout << "ok: " << report->records << " records, chain head " << report->head << " (seq " << report->last_seq
              << "); " << report->file_records << " records in " << report->files.size() << " files\n";
  }
  std::cout.flush();
  std::exit(report->broken ? 1 : 0);
}

}  // namespace

void AddAuditCommand(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* audit = app.add_subcommand(
      "audit",
      "List audit records, oldest first (the store's table: every committed record); works beside a running server. "
      "Acting as a user ($WEIR_USER) needs cloudtrail:LookupEvents");
  audit->require_subcommand(0, 1);
  audit->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  audit->add_option("--user", args->user, "Only records of this user (actor or source identity)");
  audit->add_option("--role", args->role, "Only records of actions run as this role");
  audit->add_option("--since", args->since, "Only records at or after: RFC 3339, or a duration before now (15m, 2h)");
  audit->add_option("--until", args->until, "Only records before: RFC 3339, or a duration before now");
  audit->add_option("--action", args->action, "Only this action (query, connect, assume_role, grant, ...)");
  audit->add_option("--decision", args->decision, "Only allow, deny or error");
  audit->add_option("--limit", args->limit, "Only the newest N matching records (with --follow: of those so far)");
  audit->add_flag("--json", args->json, "One JSON object a line (the records' exported form)");
  audit->add_flag("--follow", args->follow, "Keep printing matching records as they are committed (Ctrl-C stops)");
  audit->add_option("--server", options.server,
                    "Go through this server's admin API (https://HOST:PORT); by default, through the server "
                    "D/server.json names when one is running on the data directory, else read D's store");

  auto verify_json = std::make_shared<bool>(false);
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Recompute the hash chain over the store and the exported files (rotated ones included); exit 1 at the first "
      "broken record");
  verify->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  verify->add_flag("--json", *verify_json, "Print the result as one JSON object");
  verify->callback([&options, verify_json] { RunVerify(options, *verify_json); });
  audit->callback([&options, args] { RunList(options, *args); });
}

}  // namespace weir::cli
