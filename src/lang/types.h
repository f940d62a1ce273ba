// pinpages lang — C types with the real x86-64 (System V) layout.
//
//   char 1  short 2  int 4  long 8  pointer 8  float 4  double 8
//   struct: each field at its alignment, size rounded up to the largest alignment, e.g.
//   struct record { char name[128]; int count; unsigned char dummy_array[1024000];
//                   struct record *next; }  → 128 + 4 + 1024000 (+4 pad) + 8 = 1,024,144
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace pp::lang {

enum class TK : std::uint8_t {
  Void, Bool, Char, SChar, UChar, Short, UShort, Int, UInt, Long, ULong, Float, Double,
  Ptr, Array, Struct, Func,
};

struct Type;
struct Field {
  std::string name;
  const Type* ty = nullptr;
  std::uint64_t off = 0;
};
struct StructDef {
  std::string tag;
  bool is_union = false;
  bool complete = false;
  std::vector<Field> fields;
  std::uint64_t size = 0, align = 1;
  const Field* find(const std::string& n) const {
    for (auto& f : fields) if (f.name == n) return &f;
    return nullptr;
  }
};
struct FuncSig {
  const Type* ret = nullptr;
  std::vector<const Type*> params;
  bool variadic = false;
  bool unspecified = false;  // "int f()" — old style, any arguments
};

struct Type {
  TK k = TK::Int;
  const Type* base = nullptr;     // pointee / element
  std::uint64_t count = 0;        // array length
  bool incomplete = false;        // "int a[]"
  StructDef* sd = nullptr;
  const FuncSig* fn = nullptr;
};

// Owns every type of a program; pointers stay valid for the program's life.
class Types {
 public:
  Types();
  const Type* basic(TK k) const { return basics_[(int)k]; }
  const Type* ptr(const Type* base);
  const Type* array(const Type* base, std::uint64_t n, bool incomplete = false);
  const Type* structure(StructDef* sd);
  const Type* func(FuncSig sig);
  StructDef* new_struct(const std::string& tag, bool is_union);

 private:
  std::deque<Type> all_;
  std::deque<StructDef> structs_;
  std::deque<FuncSig> sigs_;
  const Type* basics_[(int)TK::Func + 1]{};
  std::map<const Type*, const Type*> ptrs_;
  std::map<std::tuple<const Type*, std::uint64_t, bool>, const Type*> arrays_;
  std::map<const StructDef*, const Type*> struct_types_;
};

std::uint64_t size_of(const Type* t);
std::uint64_t align_of(const Type* t);
inline bool is_integer(const Type* t) { return t->k >= TK::Bool && t->k <= TK::ULong; }
inline bool is_floating(const Type* t) { return t->k == TK::Float || t->k == TK::Double; }
inline bool is_arith(const Type* t) { return is_integer(t) || is_floating(t); }
inline bool is_pointer(const Type* t) { return t->k == TK::Ptr; }
inline bool is_scalar(const Type* t) { return is_arith(t) || is_pointer(t); }
bool is_signed(const Type* t);
std::string type_name(const Type* t);  // "int", "struct record *", "char [128]"
// Lays out a struct's fields (offsets, size, alignment) once all fields are known.
void layout_struct(StructDef* sd);

}  // namespace pp::lang
