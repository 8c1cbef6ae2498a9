#include "core/transport/become.hpp"

#include <stdexcept>

namespace drover::become {

const BecomeMethod& find_become_method(BecomeMethods methods, std::string_view name) {
  constexpr std::string_view k_builtin_prefix = "ansible.builtin.";
  if (name.substr(0, k_builtin_prefix.size()) == k_builtin_prefix) name.remove_prefix(k_builtin_prefix.size());
  for (const BecomeMethod& method : methods)
    if (method.name == name) return method;
  std::string known;
  for (const BecomeMethod& method : methods) known += (known.empty() ? "" : ", ") + std::string(method.name);
  throw std::invalid_argument("Invalid become method specified, could not find matching plugin: '" + std::string(name) +
                              "' (known: " + known + ")");
}

std::string refusal_message(const BecomeMethod& method, Refusal refusal) {
  switch (refusal) {
    case Refusal::none: return "";
    case Refusal::password_missing: return "Missing " + std::string(method.name) + " password";
    case Refusal::password_incorrect: return "Incorrect " + std::string(method.name) + " password";
  }
  return "";
}

}  // namespace drover::become
