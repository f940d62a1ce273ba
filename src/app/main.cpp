// pinpages native entry: the command line (cli.cpp) opens the window or runs a subcommand.
#include "app/commands.h"

int main(int argc, char** argv) { return pp::app::main_cli(argc, argv); }
