// pinpages lang — type construction and x86-64 layout.
#include "lang/types.h"

namespace pp::lang {

Types::Types() {
  for (int k = 0; k <= (int)TK::Double; k++) {
    all_.push_back(Type{});
    all_.back().k = (TK)k;
    basics_[k] = &all_.back();
  }
}

const Type* Types::ptr(const Type* base) {
  // Pointer types are interned per pointee so that identical types compare equal.
  if (auto it = ptrs_.find(base); it != ptrs_.end()) return it->second;
  all_.push_back(Type{});
  all_.back().k = TK::Ptr;
  all_.back().base = base;
  return ptrs_[base] = &all_.back();
}

const Type* Types::array(const Type* base, std::uint64_t n, bool incomplete) {
  auto key = std::make_tuple(base, n, incomplete);
  if (auto it = arrays_.find(key); it != arrays_.end()) return it->second;
  all_.push_back(Type{});
  Type& t = all_.back();
  t.k = TK::Array; t.base = base; t.count = n; t.incomplete = incomplete;
  return arrays_[key] = &t;
}

const Type* Types::structure(StructDef* sd) {
  if (auto it = struct_types_.find(sd); it != struct_types_.end()) return it->second;
  all_.push_back(Type{});
  all_.back().k = TK::Struct;
  all_.back().sd = sd;
  return struct_types_[sd] = &all_.back();
}

const Type* Types::func(FuncSig sig) {
  sigs_.push_back(std::move(sig));
  all_.push_back(Type{});
  all_.back().k = TK::Func;
  all_.back().fn = &sigs_.back();
  return &all_.back();
}

StructDef* Types::new_struct(const std::string& tag, bool is_union) {
  structs_.push_back(StructDef{});
  structs_.back().tag = tag;
  structs_.back().is_union = is_union;
  return &structs_.back();
}

std::uint64_t size_of(const Type* t) {
  switch (t->k) {
    case TK::Void: return 1;  // GNU C: sizeof(void) == 1, and void* arithmetic steps by 1
    case TK::Bool: case TK::Char: case TK::SChar: case TK::UChar: return 1;
    case TK::Short: case TK::UShort: return 2;
    case TK::Int: case TK::UInt: case TK::Float: return 4;
    case TK::Long: case TK::ULong: case TK::Double: case TK::Ptr: return 8;
    case TK::Array: {
      std::uint64_t e = size_of(t->base);
      // Saturate instead of wrapping so huge arrays are rejected, not mis-sized.
      if (e && t->count > (~0ull >> 1) / e) return ~0ull >> 1;
      return e * t->count;
    }
    case TK::Struct: return t->sd->size;
    case TK::Func: return 1;
  }
  return 1;
}

std::uint64_t align_of(const Type* t) {
  switch (t->k) {
    case TK::Array: return align_of(t->base);
    case TK::Struct: return t->sd->align;
    case TK::Void: case TK::Func: return 1;
    default: return size_of(t);
  }
}

bool is_signed(const Type* t) {
  switch (t->k) {
    case TK::Char: case TK::SChar: case TK::Short: case TK::Int: case TK::Long: return true;
    case TK::Float: case TK::Double: return true;
    default: return false;
  }
}

void layout_struct(StructDef* sd) {
  std::uint64_t off = 0, align = 1, size = 0;
  for (auto& f : sd->fields) {
    std::uint64_t a = align_of(f.ty), s = size_of(f.ty);
    if (a > align) align = a;
    if (sd->is_union) { f.off = 0; if (s > size) size = s; continue; }
    off = (off + a - 1) / a * a;
    f.off = off;
    off += s;
    size = off;
  }
  sd->size = (size + align - 1) / align * align;
  sd->align = align;
  sd->complete = true;
}

std::string type_name(const Type* t) {
  switch (t->k) {
    case TK::Void: return "void";
    case TK::Bool: return "_Bool";
    case TK::Char: return "char";
    case TK::SChar: return "signed char";
    case TK::UChar: return "unsigned char";
    case TK::Short: return "short";
    case TK::UShort: return "unsigned short";
    case TK::Int: return "int";
    case TK::UInt: return "unsigned int";
    case TK::Long: return "long";
    case TK::ULong: return "unsigned long";
    case TK::Float: return "float";
    case TK::Double: return "double";
    case TK::Ptr: {
      std::string b = type_name(t->base);
      return b + (b.back() == '*' ? "*" : " *");
    }
    case TK::Array: return type_name(t->base) + " [" + (t->incomplete ? "" : std::to_string(t->count)) + "]";
    case TK::Struct: return std::string(t->sd->is_union ? "union " : "struct ") + (t->sd->tag.empty() ? "<anonymous>" : t->sd->tag);
    case TK::Func: return type_name(t->fn->ret) + " (*)(...)";
  }
  return "?";
}

}  // namespace pp::lang
