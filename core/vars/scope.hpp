// The variables one task sees on one host, as a stack of layers searched from the top: Ansible's
// precedence without copying whole scopes per task. Layers are borrowed; they must outlive the
// Scope (they live in the host's state, the play and the task, which all do).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/template/templar.hpp"
#include "core/value/value.hpp"

namespace drover::vars {

class Scope : public tmpl::Variables {
public:
  // Adds a layer (a map Value) above the ones already pushed; null and non-map layers are ignored.
  void push(const Value& layer);
  // Adds a layer this scope owns (magic vars, loop vars).
  void push_owned(Value layer);

  // A scope that sees every layer of this one and can add its own on top. This scope (and what it
  // owns) must outlive the derived one.
  Scope derive() const;

  const Value* find(std::string_view name) const override;
  std::vector<std::string> names() const override;

private:
  std::vector<const Value*> m_layers;  // bottom first
  mutable std::map<std::string, std::unique_ptr<Value>, std::less<>> m_merged;  // hash_behaviour = merge
  const Value* merged(std::string_view name, std::vector<const Value*>::const_reverse_iterator top) const;
  std::vector<std::unique_ptr<Value>> m_owned;
};

// -e/--extra-vars: `k=v ...`, a YAML/JSON document starting with { or [, or `@file`.
// Throws Fatal (exit 5 for bad syntax) naming the argument.
Value parse_extra_vars(const std::string& arg);

}  // namespace drover::vars
