#include "iam/role.h"

namespace weir::iam {

namespace {

nlohmann::json VerifierJson(const ScramVerifier& v) {
  return {{"iterations", v.iterations}, {"salt", v.salt}, {"stored_key", v.stored_key}, {"server_key", v.server_key}};
}

void VerifierFrom(const nlohmann::json& j, ScramVerifier* v) {
  v->iterations = j.at("iterations").get<int>();
  v->salt = j.at("salt").get<std::string>();
  v->stored_key = j.at("stored_key").get<std::string>();
  v->server_key = j.at("server_key").get<std::string>();
}

}  // namespace

nlohmann::json ToJson(const Role& role) {
  return {{"trust_policy", role.trust_policy},
          {"managed_policies", role.managed_policies},
          {"inline_policies", role.inline_policies},
          {"tags", role.tags},
          {"max_session_duration_s", role.max_session_duration_s}};
}

bool FromJson(const nlohmann::json& json, Role* out) {
  try {
    out->trust_policy = json.value("trust_policy", "");
    out->managed_policies = json.value("managed_policies", std::vector<std::string>{});
    out->inline_policies = json.value("inline_policies", std::map<std::string, std::string>{});
    out->tags = json.value("tags", Tags{});
    out->max_session_duration_s = json.value("max_session_duration_s", int64_t{3600});
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

nlohmann::json ToJson(const User& user) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : user.access_keys) {
    keys.push_back(
        {{"id", k.id}, {"secret", VerifierJson(k.secret)}, {"active", k.active}, {"created_us", k.created_us}});
  }
  return {{"execution_role", user.execution_role},
          {"password", VerifierJson(user.password)},
          {"tags", user.tags},
          {"enabled", user.enabled},
          {"access_keys", keys}};
}

bool FromJson(const nlohmann::json& json, User* out) {
  try {
    out->execution_role = json.at("execution_role").get<std::string>();
    VerifierFrom(json.at("password"), &out->password);
    out->tags = json.value("tags", Tags{});
    out->enabled = json.value("enabled", true);
    out->access_keys.clear();
    for (const auto& k : json.value("access_keys", nlohmann::json::array())) {
      AccessKey key;
      key.id = k.at("id").get<std::string>();
      VerifierFrom(k.at("secret"), &key.secret);
      key.active = k.value("active", true);
      key.created_us = k.value("created_us", int64_t{0});
      out->access_keys.push_back(std::move(key));
    }
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

nlohmann::ordered_json DescribeRole(const Role& r, const Cluster& cluster) {
  nlohmann::ordered_json out;
  out["name"] = r.name;
  out["arn"] = cluster.RoleArn(r.name);
  out["description"] = r.description;
  out["trust_policy"] =
      r.trust_policy.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(r.trust_policy, nullptr, false);
  out["managed_policies"] = r.managed_policies;
  nlohmann::json inline_policies = nlohmann::json::object();
  for (const auto& [k, v] : r.inline_policies) inline_policies[k] = nlohmann::json::parse(v, nullptr, false);
  out["inline_policies"] = inline_policies;
  out["tags"] = r.tags;
  out["max_session_duration_s"] = r.max_session_duration_s;
  return out;
}

nlohmann::json ToJson(const Cluster& cluster) {
  return {{"account", cluster.account}, {"region", cluster.region}, {"name", cluster.name}, {"tags", cluster.tags}};
}

bool FromJson(const nlohmann::json& json, Cluster* out) {
  try {
    out->account = json.at("account").get<std::string>();
    out->region = json.at("region").get<std::string>();
    out->name = json.at("name").get<std::string>();
    out->tags = json.value("tags", Tags{});
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace weir::iam
