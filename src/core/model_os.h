// pinpages core — ModelOs: the Os interface backed by the page-table model.
//
//   interpreter ──► Os& ──► ModelOs ──► Machine (value; copy it for a snapshot)
//
// Every call forwards to the Machine; the interpreter takes `machine()` copies for
// its history (cheap: chunks are shared copy-on-write).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/machine.h"
#include "core/os.h"

namespace pp {

class ModelOs final : public Os {
 public:
  explicit ModelOs(MachineConfig cfg = {}) : m_(std::move(cfg)) {}
  explicit ModelOs(Machine m) : m_(std::move(m)) {}

  Machine& machine() { return m_; }
  const Machine& machine() const { return m_; }

  OsKind kind() const override { return m_.config().os; }
  int spawn(const ImageSpec& img, ImageLayout* out) override { return m_.spawn(img, out); }
#define PP_LAB_CALL(name, wire, c, params, args) OpResult name params override { return m_.name args; }
#define PP_MODEL_CALL(name, c, params, args) OpResult name params override { return m_.name args; }
#define PP_QUERY(type, name, params, args) type name params const override { return m_.name args; }
#include "core/calls.def"
  const Machine* snapshot_source() const override { return &m_; }

 private:
  Machine m_;
};

}  // namespace pp
