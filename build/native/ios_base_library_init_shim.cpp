// Defines std::ios_base_library_init(), which GCC 13's libstdc++ (GLIBCXX_3.4.32) exports and
// TorchSharp's libLibTorchSharp.so references. GCC 13 emits a call to it from <iostream> to
// guarantee the standard streams are initialised; on GCC 12 (Debian 12) that initialisation
// already happens inside libstdc++ itself, so an empty definition is correct there.
namespace std {
__attribute__((visibility("default"))) void ios_base_library_init() {}
}
