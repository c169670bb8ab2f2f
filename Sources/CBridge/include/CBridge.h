#ifndef CBRIDGE_H
#define CBRIDGE_H
#endif
