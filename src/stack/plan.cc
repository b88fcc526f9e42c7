#include "stack/plan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "access/row_filter.h"
#include "admin/admin.h"
#include "common/files.h"
#include "iam/scram.h"

namespace weir::stack {

const char* OpName(Change::Op op) {
  switch (op) {
    case Change::Op::kCreate:
      return "create";
    case Change::Op::kUpdate:
      return "update";
    case Change::Op::kReplace:
      return "replace";
    case Change::Op::kDelete:
      return "delete";
  }
  return "?";
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace {

nlohmann::json ExpressionJson(const access::TagExpression& expression) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : expression) out.push_back({{"key", c.key}, {"values", c.values}});
  return out;
}

}  // namespace

nlohmann::json GrantToJson(const access::Grant& g) {
  return {{"role", g.role},
          {"kind", access::GrantKindName(g.kind)},
          {"database", g.database},
          {"table", g.table},
          {"scope", access::ColumnScopeName(g.scope)},
          {"columns", g.columns},
          {"filter", g.filter},
          {"expression", ExpressionJson(g.expression)},
          {"permissions", access::ToString(g.permissions)},
          {"grantable", access::ToString(g.grantable)}};
}

Result<access::Grant> GrantFromJson(const nlohmann::json& j) {
  access::Grant g;
  try {
    g.role = j.at("role").get<std::string>();
    if (!access::ParseGrantKind(j.at("kind").get<std::string>(), &g.kind)) {
      return Status::Internal("a grant record has a bad grant kind");
    }
    for (const auto& c : j.value("expression", nlohmann::json::array())) {
      g.expression.push_back({c.at("key").get<std::string>(), c.at("values").get<std::vector<std::string>>()});
    }
    g.database = j.at("database").get<std::string>();
    g.table = j.at("table").get<std::string>();
    if (!access::ParseColumnScope(j.at("scope").get<std::string>(), &g.scope)) {
      return Status::Internal("a grant record has a bad grant scope");
    }
    g.columns = j.at("columns").get<std::vector<std::string>>();
    g.filter = j.at("filter").get<std::string>();
    g.permissions = {};
    g.grantable = {};
    std::string p = j.at("permissions").get<std::string>();
    std::string gr = j.at("grantable").get<std::string>();
    if (!p.empty()) {
      WEIR_ASSIGN_OR_RETURN(g.permissions, access::ParsePermissions(p));
    }
    if (!gr.empty()) {
      WEIR_ASSIGN_OR_RETURN(g.grantable, access::ParsePermissions(gr));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal(std::string("a grant record has a bad grant: ") + e.what());
  }
  return g;
}

namespace {

using Pair = std::pair<std::string, std::string>;
using Triple = std::tuple<std::string, std::string, std::string>;

std::string GrantKey(const access::Grant& g) { return g.role + "\n" + g.ResourceLabel(); }

// What a stack owns; persisted as JSON in MetadataState::stacks.
struct Record {
  std::string file;
  std::set<std::string> policies, roles, users, lake_admins, databases, cluster_tags, lf_tags;
  // (database, table, column, key) of the tag values the stack assigned.
  std::set<std::tuple<std::string, std::string, std::string, std::string>> tag_assignments;
  std::set<Pair> role_policies, role_attachments, role_tags, tables;
  std::set<Triple> filters;
  std::map<std::string, access::Grant> grants;  // by GrantKey

  std::string Dump() const {
    nlohmann::json j;
    j["file"] = file;
    j["policies"] = policies;
    j["roles"] = roles;
    j["users"] = users;
    j["lake_admins"] = lake_admins;
    j["databases"] = databases;
    j["cluster_tags"] = cluster_tags;
    j["role_policies"] = role_policies;
    j["role_attachments"] = role_attachments;
    j["role_tags"] = role_tags;
    j["tables"] = tables;
    j["lf_tags"] = lf_tags;
    j["tag_assignments"] = nlohmann::json::array();
    for (const auto& [d, t, c, k] : tag_assignments) j["tag_assignments"].push_back({d, t, c, k});
    j["filters"] = nlohmann::json::array();
    for (const auto& [d, t, n] : filters) j["filters"].push_back({d, t, n});
    j["grants"] = nlohmann::json::array();
    for (const auto& [key, g] : grants) j["grants"].push_back(GrantToJson(g));
    return j.dump();
  }

  static Result<Record> Parse(const std::string& text) {
    Record r;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::Internal("a stack record is not a JSON object");
    try {
      r.file = j.value("file", "");
      auto names = [&](const char* key, std::set<std::string>* out) {
        if (j.contains(key)) *out = j[key].get<std::set<std::string>>();
      };
      auto pairs = [&](const char* key, std::set<Pair>* out) {
        if (j.contains(key)) *out = j[key].get<std::set<Pair>>();
      };
      names("policies", &r.policies);
      names("roles", &r.roles);
      names("users", &r.users);
      names("lake_admins", &r.lake_admins);
      names("databases", &r.databases);
      names("cluster_tags", &r.cluster_tags);
      pairs("role_policies", &r.role_policies);
      pairs("role_attachments", &r.role_attachments);
      pairs("role_tags", &r.role_tags);
      pairs("tables", &r.tables);
      names("lf_tags", &r.lf_tags);
      for (const auto& a : j.value("tag_assignments", nlohmann::json::array())) {
        r.tag_assignments.insert({a.at(0).get<std::string>(), a.at(1).get<std::string>(), a.at(2).get<std::string>(),
                                  a.at(3).get<std::string>()});
      }
      for (const auto& f : j.value("filters", nlohmann::json::array())) {
        r.filters.insert({f.at(0).get<std::string>(), f.at(1).get<std::string>(), f.at(2).get<std::string>()});
      }
      for (const auto& g : j.value("grants", nlohmann::json::array())) {
        WEIR_ASSIGN_OR_RETURN(access::Grant grant, GrantFromJson(g));
        r.grants[GrantKey(grant)] = grant;
      }
    } catch (const nlohmann::json::exception& e) {
      return Status::Internal(std::string("a stack record is malformed: ") + e.what());
    }
    return r;
  }
};

// Policy documents compare as JSON values, not text.
bool SameDocument(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  auto ja = nlohmann::json::parse(a, nullptr, false);
  auto jb = nlohmann::json::parse(b, nullptr, false);
  if (ja.is_discarded() || jb.is_discarded()) return a == b;
  return ja == jb;
}

template <typename T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

const catalog::Table* FindTable(const store::MetadataState& s, const std::string& db, const std::string& name) {
  for (const auto& t : s.tables) {
    if (t.database == db && t.name == name) return &t;
  }
  return nullptr;
}

const access::DataFilter* FindFilter(const store::MetadataState& s, const std::string& db, const std::string& table,
                                     const std::string& name) {
  for (const auto& f : s.filters) {
    if (f.database == db && f.table == table && f.name == name) return &f;
  }
  return nullptr;
}

std::string ColumnsText(const std::vector<catalog::Column>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name + " " + c.type;
  return out;
}

Status NotManaged(const Where& where, const std::string& what, const std::string& stack) {
  return where.Wrap(Status::InvalidArgument(what + " already exists and is not managed by stack " + stack));
}

}  // namespace

class Planner {
 public:
  Planner(const store::MetadataState& state, EnvLookup env) : s_(state), env_(std::move(env)) {}

  Result<Plan> ForApply(const Stack& k) {
    plan_.stack_ = k.name;
    if (auto it = s_.stacks.find(k.name); it != s_.stacks.end()) {
      WEIR_ASSIGN_OR_RETURN(prev_, Record::Parse(it->second));
    }
    next_.file = k.file;
    WEIR_RETURN_IF_ERROR(PlanClusterTags(k));
    WEIR_RETURN_IF_ERROR(PlanPolicies(k));
    WEIR_RETURN_IF_ERROR(PlanRoles(k));
    WEIR_RETURN_IF_ERROR(PlanUsers(k));
    WEIR_RETURN_IF_ERROR(PlanLakeAdmins(k));
    WEIR_RETURN_IF_ERROR(PlanDatabases(k));
    WEIR_RETURN_IF_ERROR(PlanTables(k));
    WEIR_RETURN_IF_ERROR(PlanLfTags(k));
    WEIR_RETURN_IF_ERROR(PlanTagAssignments(k));
    WEIR_RETURN_IF_ERROR(PlanFilters(k));
    WEIR_RETURN_IF_ERROR(PlanGrants(k));
    PlanRemovals();
    plan_.record_ = next_.Dump();
    auto stored = s_.stacks.find(k.name);
    plan_.record_changes_ = !plan_.changes_.empty() || stored == s_.stacks.end() || stored->second != plan_.record_;
    return std::move(plan_);
  }

  Result<Plan> ForDestroy(const std::string& name) {
    plan_.stack_ = name;
    plan_.destroy_ = true;
    auto it = s_.stacks.find(name);
    if (it == s_.stacks.end()) return Status::NotFound("stack " + name + " has not been applied here");
    WEIR_ASSIGN_OR_RETURN(prev_, Record::Parse(it->second));
    PlanRemovals();
    plan_.record_ = "";
    plan_.record_changes_ = true;
    return std::move(plan_);
  }

 private:
  using Step = std::function<Status(admin::Admin&)>;

  void Add(Change::Op op, std::string kind, std::string name, const Where& where, Step step,
           std::vector<std::string> details = {}) {
    plan_.changes_.push_back({op, std::move(kind), std::move(name), std::move(details), where});
    plan_.steps_.push_back([where, step = std::move(step)](admin::Admin& a) { return where.Wrap(step(a)); });
  }

  std::string StackName() const { return plan_.stack_; }

  // --- cluster tags ---
  Status PlanClusterTags(const Stack& k) {
    iam::Tags set;
    for (const auto& [key, value] : k.cluster_tags) {
      auto it = s_.cluster.tags.find(key);
      bool owned = prev_.cluster_tags.count(key) > 0;
      if (it != s_.cluster.tags.end() && !owned) {
        if (it->second != value) {
          return k.cluster_where.Wrap(Status::InvalidArgument("cluster tag " + key + " is set to '" + it->second +
                                                              "' outside stack " + k.name));
        }
        continue;  // already there, not ours
      }
      next_.cluster_tags.insert(key);
      if (it == s_.cluster.tags.end() || it->second != value) set[key] = value;
    }
    if (set.empty()) {
      if (!k.cluster_tags.empty()) ++plan_.unchanged_;
      return Status::Ok();
    }
    std::vector<std::string> details;
    for (const auto& [key, value] : set) details.push_back("tag " + key + "=" + value);
    Add(
        Change::Op::kUpdate, "cluster", s_.cluster.name, k.cluster_where,
        [set](admin::Admin& a) { return a.TagCluster(set, {}); }, details);
    return Status::Ok();
  }

  // --- managed policies ---
  Status PlanPolicies(const Stack& k) {
    for (const auto& p : k.policies) {
      next_.policies.insert(p.name);
      const iam::ManagedPolicy* current = FindByName(s_.policies, p.name);
      if (current == nullptr) {
        Add(Change::Op::kCreate, "policy", p.name, p.where,
            [p](admin::Admin& a) { return a.CreatePolicy(p.name, p.document, p.description); });
        continue;
      }
      if (!prev_.policies.count(p.name)) return NotManaged(p.where, "policy " + p.name, k.name);
      if (SameDocument(current->document, p.document)) {
        ++plan_.unchanged_;
        continue;
      }
      Add(Change::Op::kUpdate, "policy", p.name, p.where,
          [p](admin::Admin& a) { return a.UpdatePolicy(p.name, p.document); }, {"document"});
    }
    return Status::Ok();
  }

  // --- roles ---
  Status PlanRoles(const Stack& k) {
    for (const auto& r : k.roles) {
      const iam::Role* current = FindByName(s_.roles, r.name);
      if (r.existing) {
        if (current == nullptr) {
          return r.where.Wrap(Status::InvalidArgument("role " + r.name + " is declared existing but does not exist"));
        }
        WEIR_RETURN_IF_ERROR(PlanRoleParts(k, r, *current, false));
        continue;
      }
      next_.roles.insert(r.name);
      if (current == nullptr) {
        created_roles_.insert(r.name);
        std::vector<std::string> details;
        if (r.trust_policy) details.push_back("trust policy");
        for (const auto& [name, doc] : r.inline_policies) details.push_back("policy " + name);
        for (const auto& p : r.managed_policies) details.push_back("attach " + p);
        for (const auto& [key, value] : r.tags) details.push_back("tag " + key + "=" + value);
        Add(
            Change::Op::kCreate, "role", r.name, r.where,
            [r](admin::Admin& a) -> Status {
              WEIR_RETURN_IF_ERROR(a.CreateRole(r.name, r.description));
              if (r.trust_policy) WEIR_RETURN_IF_ERROR(a.SetTrustPolicy(r.name, *r.trust_policy));
              for (const auto& [name, doc] : r.inline_policies)
                WEIR_RETURN_IF_ERROR(a.PutRolePolicy(r.name, name, doc));
              for (const auto& p : r.managed_policies) WEIR_RETURN_IF_ERROR(a.AttachRolePolicy(r.name, p));
              if (!r.tags.empty()) WEIR_RETURN_IF_ERROR(a.TagRole(r.name, r.tags, {}));
              if (r.max_session_duration_s) {
                WEIR_RETURN_IF_ERROR(a.SetMaxSessionDuration(r.name, *r.max_session_duration_s));
              }
              return Status::Ok();
            },
            details);
        continue;
      }
      if (!prev_.roles.count(r.name)) {
        return r.where.Wrap(Status::InvalidArgument("role " + r.name + " already exists and is not managed by stack " +
                                                    k.name +
                                                    " (declare it with existing: true to add policies or tags to it)"));
      }
      WEIR_RETURN_IF_ERROR(PlanRoleParts(k, r, *current, true));
    }
    return Status::Ok();
  }

  // The differences in one role's trust policy, inline policies,
  // attachments, tags and session duration. `whole`: the stack owns the
  // role and everything on it; otherwise only the parts it declares.
  Status PlanRoleParts(const Stack& k, const RoleSpec& r, const iam::Role& current, bool whole) {
    std::vector<std::string> details;
    std::vector<Step> steps;
    const std::string role = r.name;
    auto owns = [&](const std::set<Pair>& set, const std::string& part) {
      return whole || set.count({role, part}) > 0;
    };
    if (whole) {
      std::string want = r.trust_policy.value_or("");
      if (!SameDocument(current.trust_policy, want)) {
        if (want.empty()) {
          return r.where.Wrap(Status::InvalidArgument(
              "role " + role + " has a trust policy; a stack cannot remove it, only replace it"));
        }
        details.push_back("trust policy");
        steps.push_back([role, want](admin::Admin& a) { return a.SetTrustPolicy(role, want); });
      }
      if (r.max_session_duration_s && *r.max_session_duration_s != current.max_session_duration_s) {
        details.push_back("max session duration " + std::to_string(*r.max_session_duration_s) + " s");
        int64_t seconds = *r.max_session_duration_s;
        steps.push_back([role, seconds](admin::Admin& a) { return a.SetMaxSessionDuration(role, seconds); });
      }
    }
    for (const auto& [name, doc] : r.inline_policies) {
      auto it = current.inline_policies.find(name);
      if (!whole) next_.role_policies.insert({role, name});
      if (it != current.inline_policies.end()) {
        if (!owns(prev_.role_policies, name)) {
          return r.where.Wrap(Status::InvalidArgument("role " + role + " already has an inline policy " + name +
                                                      " not managed by stack " + k.name));
        }
        if (SameDocument(it->second, doc)) continue;
        details.push_back("~ policy " + name);
      } else {
        details.push_back("+ policy " + name);
      }
      steps.push_back([role, name, doc](admin::Admin& a) { return a.PutRolePolicy(role, name, doc); });
    }
    for (const auto& [name, doc] : current.inline_policies) {
      if (r.inline_policies.count(name) || !owns(prev_.role_policies, name)) continue;
      details.push_back("- policy " + name);
      steps.push_back([role, name](admin::Admin& a) { return a.DeleteRolePolicy(role, name); });
    }
    for (const auto& p : r.managed_policies) {
      bool attached = std::count(current.managed_policies.begin(), current.managed_policies.end(), p) > 0;
      if (attached) {
        if (owns(prev_.role_attachments, p) && !whole) next_.role_attachments.insert({role, p});
        continue;
      }
      if (!whole) next_.role_attachments.insert({role, p});
      details.push_back("+ attach " + p);
      steps.push_back([role, p](admin::Admin& a) { return a.AttachRolePolicy(role, p); });
    }
    for (const auto& p : current.managed_policies) {
      if (std::count(r.managed_policies.begin(), r.managed_policies.end(), p) || !owns(prev_.role_attachments, p)) {
        continue;
      }
      details.push_back("- attach " + p);
      steps.push_back([role, p](admin::Admin& a) { return a.DetachRolePolicy(role, p); });
    }
    iam::Tags set;
    std::vector<std::string> remove;
    for (const auto& [key, value] : r.tags) {
      auto it = current.tags.find(key);
      if (it != current.tags.end() && !owns(prev_.role_tags, key)) {
        if (it->second != value) {
          return r.where.Wrap(Status::InvalidArgument("role " + role + " has tag " + key + "='" + it->second +
                                                      "' set outside stack " + k.name));
        }
        continue;
      }
      if (!whole) next_.role_tags.insert({role, key});
      if (it == current.tags.end() || it->second != value) set[key] = value;
    }
    for (const auto& [key, value] : current.tags) {
      if (!r.tags.count(key) && owns(prev_.role_tags, key)) remove.push_back(key);
    }
    if (!set.empty() || !remove.empty()) {
      for (const auto& [key, value] : set) details.push_back("tag " + key + "=" + value);
      for (const auto& key : remove) details.push_back("untag " + key);
      steps.push_back([role, set, remove](admin::Admin& a) { return a.TagRole(role, set, remove); });
    }
    if (steps.empty()) {
      ++plan_.unchanged_;
      return Status::Ok();
    }
    Add(
        Change::Op::kUpdate, "role", role, r.where,
        [steps](admin::Admin& a) -> Status {
          for (const auto& step : steps) WEIR_RETURN_IF_ERROR(step(a));
          return Status::Ok();
        },
        details);
    return Status::Ok();
  }

  // --- users ---
  Status PlanUsers(const Stack& k) {
    for (const auto& u : k.users) {
      next_.users.insert(u.name);
      const iam::User* current = FindByName(s_.users, u.name);
      std::optional<std::string> password;
      if (u.password.source == PasswordSpec::Source::kEnv) password = env_(u.password.env);
      if (current == nullptr) {
        std::string initial;
        if (u.password.source == PasswordSpec::Source::kEnv) {
          if (!password || password->empty()) {
            return u.where.Wrap(Status::InvalidArgument("user " + u.name + ": environment variable " + u.password.env +
                                                        " (its password) is not set"));
          }
          initial = *password;
        } else if (u.password.source == PasswordSpec::Source::kGenerate) {
          initial = iam::GeneratePassword();
          std::filesystem::path file(u.password.file);
          if (file.is_relative() && !Folder().empty()) file = std::filesystem::path(Folder()) / file;
          plan_.password_files_.push_back({file.string(), initial});
        }
        bool enabled = u.enabled;
        Add(Change::Op::kCreate, "user", u.name, u.where, [u, initial, enabled](admin::Admin& a) -> Status {
          WEIR_RETURN_IF_ERROR(a.CreateUser(u.name, u.execution_role, initial, u.tags));
          if (!enabled) WEIR_RETURN_IF_ERROR(a.UpdateUser(u.name, std::nullopt, false, {}, {}));
          return Status::Ok();
        });
        continue;
      }
      if (!prev_.users.count(u.name)) return NotManaged(u.where, "user " + u.name, k.name);
      std::vector<std::string> details;
      std::optional<std::string> role;
      std::optional<bool> enabled;
      iam::Tags set;
      std::vector<std::string> remove;
      if (current->execution_role != u.execution_role) {
        role = u.execution_role;
        details.push_back("execution role " + u.execution_role);
      }
      if (current->enabled != u.enabled) {
        enabled = u.enabled;
        details.push_back(u.enabled ? "enable" : "disable");
      }
      for (const auto& [key, value] : u.tags) {
        auto it = current->tags.find(key);
        if (it == current->tags.end() || it->second != value) {
          set[key] = value;
          details.push_back("tag " + key + "=" + value);
        }
      }
      for (const auto& [key, value] : current->tags) {
        if (!u.tags.count(key)) {
          remove.push_back(key);
          details.push_back("untag " + key);
        }
      }
      bool new_password = password && !password->empty() && !iam::CheckPassword(current->password, *password);
      if (new_password) details.push_back("password (from " + u.password.env + ")");
      if (details.empty()) {
        ++plan_.unchanged_;
        continue;
      }
      std::string name = u.name;
      std::string pw = new_password ? *password : "";
      Add(
          Change::Op::kUpdate, "user", u.name, u.where,
          [name, role, enabled, set, remove, pw](admin::Admin& a) -> Status {
            if (role || enabled || !set.empty() || !remove.empty()) {
              WEIR_RETURN_IF_ERROR(a.UpdateUser(name, role, enabled, set, remove));
            }
            if (!pw.empty()) WEIR_RETURN_IF_ERROR(a.SetPassword(name, pw));
            return Status::Ok();
          },
          details);
    }
    return Status::Ok();
  }

  // --- data lake administrators ---
  Status PlanLakeAdmins(const Stack& k) {
    for (const auto& l : k.lake_admins) {
      bool present = std::count(s_.lake_admins.begin(), s_.lake_admins.end(), l.principal) > 0;
      if (present && !prev_.lake_admins.count(l.principal)) continue;  // someone else's
      next_.lake_admins.insert(l.principal);
      if (present) {
        ++plan_.unchanged_;
        continue;
      }
      std::string principal = l.principal;
      Add(Change::Op::kCreate, "lake admin", principal, l.where,
          [principal](admin::Admin& a) { return a.AddLakeAdmin(principal); });
    }
    return Status::Ok();
  }

  // --- databases and tables ---
  Status PlanDatabases(const Stack& k) {
    for (const auto& d : k.databases) {
      bool present = FindByName(s_.databases, d.name) != nullptr;
      if (d.existing) {
        if (!present) {
          return d.where.Wrap(
              Status::InvalidArgument("database " + d.name + " is declared existing but does not exist"));
        }
        continue;
      }
      next_.databases.insert(d.name);
      if (!present) {
        Add(Change::Op::kCreate, "database", d.name, d.where,
            [d](admin::Admin& a) { return a.CreateDatabase(d.name, d.description); });
        continue;
      }
      if (!prev_.databases.count(d.name)) {
        return d.where.Wrap(Status::InvalidArgument("database " + d.name +
                                                    " already exists and is not managed by stack " + k.name +
                                                    " (declare it with existing: true to add tables to it)"));
      }
      ++plan_.unchanged_;
    }
    return Status::Ok();
  }

  Status PlanTables(const Stack& k) {
    for (const auto& t : k.tables) {
      next_.tables.insert({t.database, t.name});
      const catalog::Table* current = FindTable(s_, t.database, t.name);
      const std::string qualified = t.database + "." + t.name;
      auto reg = [t](admin::Admin& a) -> Status {
        WEIR_ASSIGN_OR_RETURN(catalog::Table registered,
                              a.RegisterTable(t.database, t.name, t.location, t.format, false));
        if (t.columns) {
          std::vector<catalog::Column> found;
          for (const auto& c : registered.columns) found.push_back({c.name, c.type, false});
          std::vector<catalog::Column> want = *t.columns;
          bool same = want.size() == found.size() &&
                      std::equal(want.begin(), want.end(), found.begin(),
                                 [](const auto& x, const auto& y) { return x.name == y.name && x.type == y.type; });
          if (!same) {
            return Status::InvalidArgument("table " + t.database + "." + t.name + ": the files have columns (" +
                                           ColumnsText(found) + "), not the declared (" + ColumnsText(want) + ")");
          }
        }
        return Status::Ok();
      };
      if (current == nullptr) {
        Add(Change::Op::kCreate, "table", qualified, t.where, reg, {"location " + t.location});
        continue;
      }
      if (!prev_.tables.count({t.database, t.name})) return NotManaged(t.where, "table " + qualified, k.name);
      std::vector<std::string> details;
      if (current->location != std::filesystem::path(t.location).lexically_normal().string() &&
          current->location + "/" != t.location) {
        details.push_back("location " + current->location + " -> " + t.location);
      }
      if (current->format != t.format) details.push_back(std::string("format ") + catalog::FormatName(t.format));
      if (t.columns) {
        std::vector<catalog::Column> stored;
        for (const auto& c : current->columns) stored.push_back({c.name, c.type, false});
        bool same = stored.size() == t.columns->size() &&
                    std::equal(stored.begin(), stored.end(), t.columns->begin(),
                               [](const auto& x, const auto& y) { return x.name == y.name && x.type == y.type; });
        if (!same) details.push_back("columns");
      }
      if (details.empty()) {
        ++plan_.unchanged_;
        continue;
      }
      replaced_tables_.insert({t.database, t.name});
      details.push_back("drops the table's filters and grants; this stack re-creates its own");
      Add(
          Change::Op::kReplace, "table", qualified, t.where,
          [t, reg](admin::Admin& a) -> Status {
            WEIR_RETURN_IF_ERROR(a.DropTable(t.database, t.name));
            return reg(a);
          },
          details);
    }
    return Status::Ok();
  }

  // --- LF-Tags ---
  Status PlanLfTags(const Stack& k) {
    for (const auto& spec : k.lf_tags) {
      const access::LfTag& want = spec.tag;
      next_.lf_tags.insert(want.key);
      const access::LfTag* current = nullptr;
      for (const auto& t : s_.lf_tags) {
        if (t.key == want.key) current = &t;
      }
      if (current == nullptr) {
        Add(Change::Op::kCreate, "LF-Tag", want.key, spec.where,
            [want](admin::Admin& a) { return a.CreateLfTag(want.key, want.values); });
        continue;
      }
      if (!prev_.lf_tags.count(want.key)) return NotManaged(spec.where, "LF-Tag " + want.key, k.name);
      std::vector<std::string> add, remove, details;
      for (const auto& v : want.values) {
        if (!current->Allows(v)) add.push_back(v);
      }
      for (const auto& v : current->values) {
        if (!want.Allows(v)) remove.push_back(v);
      }
      if (add.empty() && remove.empty()) {
        ++plan_.unchanged_;
        continue;
      }
      if (!add.empty()) details.push_back("+ values " + Joined(add));
      if (!remove.empty()) details.push_back("- values " + Joined(remove) + " (their assignments and grants go)");
      for (const auto& v : remove) removed_values_.insert({want.key, v});
      std::string key = want.key;
      Add(
          Change::Op::kUpdate, "LF-Tag", key, spec.where,
          [key, add, remove](admin::Admin& a) { return a.UpdateLfTag(key, add, remove); }, details);
    }
    return Status::Ok();
  }

  // The value of `key` assigned to exactly `resource` now, or "".
  std::string AssignedValue(const access::TagResource& resource, const std::string& key) const {
    for (const auto& a : s_.tag_assignments) {
      if (a.resource == resource && a.key == key) return a.value;
    }
    return "";
  }

  Status PlanTagAssignments(const Stack& k) {
    for (const auto& spec : k.tag_assignments) {
      const access::TagResource& res = spec.resource;
      bool table_replaced = !res.table.empty() && replaced_tables_.count({res.database, res.table}) > 0;
      std::vector<std::pair<std::string, std::string>> set;
      std::vector<std::string> details;
      for (const auto& [key, value] : spec.tags) {
        next_.tag_assignments.insert({res.database, res.table, res.column, key});
        std::string current = table_replaced ? "" : AssignedValue(res, key);
        bool owned = prev_.tag_assignments.count({res.database, res.table, res.column, key}) > 0;
        if (!current.empty() && !owned && current != value) {
          return spec.where.Wrap(Status::InvalidArgument(res.Label() + " has LF-Tag " + key + "=" + current +
                                                         " assigned outside stack " + k.name));
        }
        if (!current.empty() && !owned) next_.tag_assignments.erase({res.database, res.table, res.column, key});
        if (current == value) continue;
        set.push_back({key, value});
        details.push_back(key + "=" + value);
      }
      if (set.empty()) {
        ++plan_.unchanged_;
        continue;
      }
      Add(
          Change::Op::kUpdate, "tags of", res.Label(), spec.where,
          [res, set](admin::Admin& a) { return a.AddLfTagsToResource(res, set); }, details);
    }
    return Status::Ok();
  }

  // --- data cells filters ---
  Status PlanFilters(const Stack& k) {
    for (const auto& f : k.filters) {
      const auto& d = f.filter;
      next_.filters.insert({d.database, d.table, d.name});
      const std::string label = d.name + " on " + d.database + "." + d.table;
      const access::DataFilter* current = FindFilter(s_, d.database, d.table, d.name);
      auto create = [d](admin::Admin& a) {
        return a.CreateFilter(d.database, d.table, d.name, d.row_filter, d.scope, d.columns);
      };
      bool table_replaced = replaced_tables_.count({d.database, d.table}) > 0;
      if (current == nullptr || table_replaced) {
        Add(Change::Op::kCreate, "data cells filter", label, f.where, create);
        continue;
      }
      if (!prev_.filters.count({d.database, d.table, d.name})) {
        return NotManaged(f.where, "data cells filter " + label, k.name);
      }
      std::vector<std::string> details;
      if (Canonical(d) != current->row_filter) details.push_back("row filter");
      if (d.scope != current->scope || d.columns != current->columns) details.push_back("columns");
      if (details.empty()) {
        ++plan_.unchanged_;
        continue;
      }
      replaced_filters_.insert({d.database, d.table, d.name});
      details.push_back("drops the filter's grants; this stack re-creates its own");
      Add(
          Change::Op::kReplace, "data cells filter", label, f.where,
          [d, create](admin::Admin& a) -> Status {
            WEIR_RETURN_IF_ERROR(a.DeleteFilter(d.database, d.table, d.name));
            return create(a);
          },
          details);
    }
    return Status::Ok();
  }

  // The stored (canonical) form of a filter's row filter, validated
  // against the table as it is now; the text itself when it does not
  // validate (the create step will report why).
  std::string Canonical(const access::DataFilter& d) const {
    if (d.row_filter.empty()) return "";
    const catalog::Table* table = FindTable(s_, d.database, d.table);
    auto parsed = access::ParseRowFilter(d.row_filter);
    if (table == nullptr || !parsed.ok()) return d.row_filter;
    if (!access::ValidateRowFilter(&*parsed, *table).ok()) return d.row_filter;
    return access::RowFilterToSql(*parsed);
  }

  // --- grants ---
  // The permissions `g`'s role holds now on exactly g's resource (none
  // when the role, table or filter is created or replaced by this plan).
  std::pair<access::PermissionSet, access::PermissionSet> Held(const access::Grant& g) const {
    if (created_roles_.count(g.role) || replaced_tables_.count({g.database, g.table}) ||
        replaced_filters_.count({g.database, g.table, g.filter})) {
      return {};
    }
    for (const auto& current : s_.grants) {
      if (current.role == g.role && current.SameAs(g)) return {current.permissions, current.grantable};
    }
    return {};
  }

  Status PlanGrants(const Stack& k) {
    for (const auto& spec : k.grants) {
      const access::Grant& g = spec.grant;
      const std::string key = GrantKey(g);
      auto [held, held_grantable] = Held(g);
      access::PermissionSet owned, owned_grantable;
      if (auto it = prev_.grants.find(key); it != prev_.grants.end()) {
        owned = it->second.permissions;
        owned_grantable = it->second.grantable;
      }
      // Permissions the role holds there from elsewhere stay theirs.
      access::PermissionSet foreign = held.Minus(owned);
      access::PermissionSet foreign_grantable = held_grantable.Minus(owned_grantable);
      access::Grant record = g;
      record.permissions = g.permissions.Minus(foreign);
      record.grantable = g.grantable.Minus(foreign_grantable);
      next_.grants[key] = record;

      const std::string label = access::ToString(g.permissions) + " on " + g.ResourceLabel() + " to role " + g.role;
      std::vector<std::string> details;
      bool grant = !held.Contains(g.permissions) || !held_grantable.Contains(g.grantable);
      access::Grant revoke = g;
      revoke.permissions = owned.Minus(g.permissions) & held;
      revoke.grantable = owned_grantable.Minus(g.grantable) & held_grantable;
      if (!grant && revoke.permissions.empty() && revoke.grantable.empty()) {
        ++plan_.unchanged_;
        continue;
      }
      if (grant && !held.empty()) {
        details.push_back("grant " + access::ToString(g.permissions.Minus(held)) +
                          (g.grantable.Minus(held_grantable).empty()
                               ? ""
                               : " (grantable " + access::ToString(g.grantable.Minus(held_grantable)) + ")"));
      }
      if (!revoke.permissions.empty()) details.push_back("revoke " + access::ToString(revoke.permissions));
      if (!revoke.grantable.empty()) details.push_back("revoke grant option " + access::ToString(revoke.grantable));
      Change::Op op = held.empty() ? Change::Op::kCreate : Change::Op::kUpdate;
      Add(
          op, "grant", label, spec.where,
          [g, grant, revoke](admin::Admin& a) -> Status {
            if (grant) WEIR_RETURN_IF_ERROR(a.Grant(g));
            if (!revoke.permissions.empty() || !revoke.grantable.empty()) WEIR_RETURN_IF_ERROR(a.Revoke(revoke));
            return Status::Ok();
          },
          details);
    }
    return Status::Ok();
  }

  // --- removals: what the previous record owns and the next does not,
  // dependants first ---
  void PlanRemovals() {
    const Where nowhere{};
    std::set<std::string> deleted_roles, deleted_databases;
    std::set<Pair> dropped_tables;
    std::set<Triple> deleted_filters;
    for (const auto& r : prev_.roles) {
      if (!next_.roles.count(r) && FindByName(s_.roles, r)) deleted_roles.insert(r);
    }
    for (const auto& t : prev_.tables) {
      if (!next_.tables.count(t) && FindTable(s_, t.first, t.second)) dropped_tables.insert(t);
    }
    for (const auto& d : prev_.databases) {
      if (!next_.databases.count(d) && FindByName(s_.databases, d)) deleted_databases.insert(d);
    }
    for (const auto& f : prev_.filters) {
      auto [d, t, n] = f;
      if (!next_.filters.count(f) && FindFilter(s_, d, t, n) && !dropped_tables.count({d, t})) {
        deleted_filters.insert(f);
      }
    }
    // Grants: revoke what the stack owned and still applies.
    for (const auto& [key, owned] : prev_.grants) {
      if (next_.grants.count(key)) continue;
      if (deleted_roles.count(owned.role) || dropped_tables.count({owned.database, owned.table}) ||
          deleted_filters.count({owned.database, owned.table, owned.filter}) ||
          (!owned.table.empty() && replaced_tables_.count({owned.database, owned.table}))) {
        continue;  // goes with its role, table or filter
      }
      auto [held, held_grantable] = Held(owned);
      access::Grant revoke = owned;
      revoke.permissions = owned.permissions & held;
      revoke.grantable = owned.grantable & held_grantable;
      if (revoke.permissions.empty() && revoke.grantable.empty()) continue;
      Add(Change::Op::kDelete, "grant",
          access::ToString(revoke.permissions) + " on " + owned.ResourceLabel() + " to role " + owned.role, nowhere,
          [revoke](admin::Admin& a) { return a.Revoke(revoke); });
    }
    // Tag values the stack assigned and no longer declares (a dropped
    // table or a deleted tag takes its own along).
    std::set<std::string> deleted_tags;
    for (const auto& key : prev_.lf_tags) {
      bool present = std::any_of(s_.lf_tags.begin(), s_.lf_tags.end(), [&](const auto& t) { return t.key == key; });
      if (!next_.lf_tags.count(key) && present) deleted_tags.insert(key);
    }
    std::map<access::TagResource, std::vector<std::string>> unassign;
    for (const auto& entry : prev_.tag_assignments) {
      const auto& [d, t, c, key] = entry;
      access::TagResource res{d, t, c};
      if (next_.tag_assignments.count(entry) || deleted_tags.count(key) || deleted_databases.count(d) ||
          (!t.empty() && (dropped_tables.count({d, t}) || replaced_tables_.count({d, t}))) ||
          AssignedValue(res, key).empty() || removed_values_.count({key, AssignedValue(res, key)})) {
        continue;
      }
      unassign[res].push_back(key);
    }
    for (const auto& [res, keys] : unassign) {
      Add(Change::Op::kDelete, "tags of", res.Label() + " " + Joined(keys), nowhere,
          [res, keys](admin::Admin& a) { return a.RemoveLfTagsFromResource(res, keys); });
    }
    for (const auto& f : deleted_filters) {
      auto [d, t, n] = f;
      Add(Change::Op::kDelete, "data cells filter", n + " on " + d + "." + t, nowhere,
          [d, t, n](admin::Admin& a) { return a.DeleteFilter(d, t, n); });
    }
    for (const auto& [d, t] : dropped_tables) {
      Add(Change::Op::kDelete, "table", d + "." + t, nowhere, [d, t](admin::Admin& a) { return a.DropTable(d, t); });
    }
    for (const auto& d : deleted_databases) {
      Add(Change::Op::kDelete, "database", d, nowhere, [d](admin::Admin& a) { return a.DeleteDatabase(d); });
    }
    for (const auto& key : deleted_tags) {
      Add(Change::Op::kDelete, "LF-Tag", key, nowhere, [key](admin::Admin& a) { return a.DeleteLfTag(key); });
    }
    for (const auto& p : prev_.lake_admins) {
      if (next_.lake_admins.count(p) || !std::count(s_.lake_admins.begin(), s_.lake_admins.end(), p)) continue;
      Add(Change::Op::kDelete, "lake admin", p, nowhere, [p](admin::Admin& a) { return a.RemoveLakeAdmin(p); });
    }
    for (const auto& u : prev_.users) {
      if (next_.users.count(u) || !FindByName(s_.users, u)) continue;
      Add(Change::Op::kDelete, "user", u, nowhere, [u](admin::Admin& a) { return a.DeleteUser(u); });
    }
    // Parts the stack added to roles it does not own.
    for (const auto& [role, name] : prev_.role_policies) {
      const iam::Role* r = FindByName(s_.roles, role);
      if (next_.role_policies.count({role, name}) || deleted_roles.count(role) || r == nullptr ||
          !r->inline_policies.count(name)) {
        continue;
      }
      Add(Change::Op::kDelete, "role policy", role + "/" + name, nowhere,
          [role, name](admin::Admin& a) { return a.DeleteRolePolicy(role, name); });
    }
    for (const auto& [role, policy] : prev_.role_attachments) {
      const iam::Role* r = FindByName(s_.roles, role);
      if (next_.role_attachments.count({role, policy}) || deleted_roles.count(role) || r == nullptr ||
          !std::count(r->managed_policies.begin(), r->managed_policies.end(), policy)) {
        continue;
      }
      Add(Change::Op::kDelete, "role attachment", role + "/" + policy, nowhere,
          [role, policy](admin::Admin& a) { return a.DetachRolePolicy(role, policy); });
    }
    std::map<std::string, std::vector<std::string>> untag;
    for (const auto& [role, key] : prev_.role_tags) {
      const iam::Role* r = FindByName(s_.roles, role);
      if (next_.role_tags.count({role, key}) || deleted_roles.count(role) || r == nullptr || !r->tags.count(key)) {
        continue;
      }
      untag[role].push_back(key);
    }
    for (const auto& [role, keys] : untag) {
      Add(Change::Op::kDelete, "role tags", role + " " + Joined(keys), nowhere,
          [role, keys](admin::Admin& a) { return a.TagRole(role, {}, keys); });
    }
    for (const auto& r : deleted_roles) {
      Add(Change::Op::kDelete, "role", r, nowhere, [r](admin::Admin& a) { return a.DeleteRole(r); });
    }
    for (const auto& p : prev_.policies) {
      if (next_.policies.count(p) || !FindByName(s_.policies, p)) continue;
      // Its attachments to the stack's roles are gone by now (role
      // updates detach, deleted roles take theirs along); one to a role
      // outside the stack makes the deletion fail, naming it.
      Add(Change::Op::kDelete, "policy", p, nowhere, [p](admin::Admin& a) { return a.DeletePolicy(p); });
    }
    std::vector<std::string> tags;
    for (const auto& key : prev_.cluster_tags) {
      if (!next_.cluster_tags.count(key) && s_.cluster.tags.count(key)) tags.push_back(key);
    }
    if (!tags.empty()) {
      Add(Change::Op::kDelete, "cluster tags", Joined(tags), nowhere,
          [tags](admin::Admin& a) { return a.TagCluster({}, tags); });
    }
  }

  static std::string Joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  const std::string& Folder() const { return folder_; }

 public:
  void set_folder(std::string folder) { folder_ = std::move(folder); }

 private:
  const store::MetadataState& s_;
  EnvLookup env_;
  Plan plan_;
  Record prev_, next_;
  std::string folder_;
  std::set<std::string> created_roles_;
  std::set<Pair> replaced_tables_;
  std::set<Triple> replaced_filters_;
  std::set<Pair> removed_values_;  // (key, value) an LF-Tag update of this plan removes
};

Result<Plan> PlanApply(const Stack& stack, const store::MetadataState& state, const EnvLookup& env) {
  Planner planner(state, env);
  planner.set_folder(stack.folder);
  return planner.ForApply(stack);
}

admin::Access PlanAccess(const std::string& name, bool destroy, const store::MetadataState& state) {
  if (destroy) return {admin::Operation::kDeleteStack, name};
  return {state.stacks.count(name) ? admin::Operation::kUpdateStack : admin::Operation::kCreateStack, name};
}

Result<Plan> PlanDestroy(const std::string& name, const store::MetadataState& state) {
  Planner planner(state, ProcessEnv());
  return planner.ForDestroy(name);
}

std::string Plan::Format() const {
  std::string out;
  size_t counts[4] = {0, 0, 0, 0};
  for (const auto& c : changes_) {
    ++counts[static_cast<int>(c.op)];
    const char* sign = c.op == Change::Op::kCreate    ? "+"
                       : c.op == Change::Op::kUpdate  ? "~"
                       : c.op == Change::Op::kReplace ? "-/+"
                                                      : "-";
    out += std::string(sign) + " " + c.kind + " " + c.name + "\n";
    for (const auto& d : c.details) out += "      " + d + "\n";
  }
  out += "stack " + stack_ + ": " + std::to_string(counts[0]) + " to create, " + std::to_string(counts[1]) +
         " to update, " + std::to_string(counts[2]) + " to replace, " + std::to_string(counts[3]) + " to delete, " +
         std::to_string(unchanged_) + " unchanged\n";
  return out;
}

nlohmann::json Plan::ToJson() const {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : changes_) {
    nlohmann::json j = {{"op", OpName(c.op)}, {"kind", c.kind}, {"name", c.name}, {"details", c.details}};
    if (!c.where.file.empty()) j["where"] = c.where.ToString();
    changes.push_back(std::move(j));
  }
  return {{"stack", stack_}, {"destroy", destroy_}, {"changes", changes}, {"unchanged", unchanged_}};
}

Status Apply(admin::Admin& admin, const Plan& plan) {
  if (plan.steps_.empty() && !plan.record_changes_) return Status::Ok();
  return admin.Batch([&]() -> Status {
    for (const auto& step : plan.steps_) WEIR_RETURN_IF_ERROR(step(admin));
    if (plan.destroy_) return admin.DeleteStack(plan.stack_);
    return admin.PutStack(plan.stack_, plan.record_);
  });
}

Status WritePasswordFiles(const Plan& plan, std::vector<std::string>* written) {
  for (const auto& [path, password] : plan.generated_passwords()) {
    WEIR_RETURN_IF_ERROR(WriteSecretFile(path, password + "\n"));
    if (written != nullptr) written->push_back(path);
  }
  return Status::Ok();
}

}  // namespace weir::stack
