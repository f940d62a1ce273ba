//@ title A quiz whose parts do not balance
//@ machine ram=64M swap=0 os=linux
// Fixture for lessons_annotations_rejects: the author meant "MCL_CURRENT | MCL_FUTURE"
// inside the call, but the closing parenthesis is missing, so every choice would move.
#include <sys/mman.h>

//@ say Start.
int main(void)
{
    //@ say Lock everything.
    //@ quiz After mlockall(MCL_CURRENT | MCL_FUTURE, what is pinned? | Nothing | *Everything | Half
    //@ expect ret == 0
    //@ expect errno == 0
    //@ expect VmLck >= 0
    mlockall(MCL_CURRENT | MCL_FUTURE);
    //@ say Done.
    return 0;
}
