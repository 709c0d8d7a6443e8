// Loop versioning for precise traps (see docs/ARCHITECTURE.md, "Precise traps").
//
// Precise traps pin every guard-page access (volatile) and branch to a trap block before
// every explicitly checked one. Both keep LLVM from vectorising a loop. This pass gives an
// innermost loop a second, fast copy that runs only when a check in front of the loop shows
// that no access in it can trap:
//
//   * every pinned access `base + off(i)` (base: a memory's base, loaded from its
//     `VMMemory` P, tagged `!wasmlite.membase` by the translator) has, over the loop's
//     iterations 0..=N (N: SCEV's symbolic maximum backedge-taken count), an exact offset
//     range [lo, hi] with `hi + size <= P->length` and `base == P->base` at loop entry, so
//     the fast copy's accesses cannot fault and are no longer volatile;
//   * every branch to the memory-out-of-bounds trap block (explicit bounds checks) compares
//     an index whose exact range is known against a loop-invariant bound, and the check shows
//     that it never branches: the fast copy drops the branch.
//
// "Exact range": SCEV values are modular; each subexpression gets an i128 interval that is
// exact (the machine value equals the mathematical one) under conditions that the check also
// tests (no wrap-around). The original loop is kept unchanged as the precise fallback.
//
// Built by wasmlite-codegen's build script against LLVM 19's C++ headers; the Rust side
// calls `wasmlite_run_passes` (LLVMRunPasses plus this pass at the vectoriser's start).

#include "llvm-c/Error.h"
#include "llvm-c/TargetMachine.h"
#include "llvm-c/Types.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/Local.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

using namespace llvm;

extern "C" {
/// What the pass needs to know of the ABI (from wasmlite-abi, passed by the Rust side).
struct WasmliteVersioning {
    /// Symbol of the module's trap function (`raise_trap(vmctx, code, func)`).
    const char *raise_trap;
    /// Trap code of an out-of-bounds memory access.
    uint32_t oob_code;
    /// Offsets of the base pointer and the byte length in a `VMMemory`.
    uint32_t base_offset;
    uint32_t length_offset;
};
}

namespace {

/// `WASMLITE_VERSIONING_DEBUG=1`: why each loop was or was not versioned (to stderr).
bool debugOn() {
    static const bool On = getenv("WASMLITE_VERSIONING_DEBUG") != nullptr;
    return On;
}

bool reject(Loop *L, const char *Why, const Value *V = nullptr) {
    if (debugOn()) {
        errs() << "wlver: " << L->getHeader()->getParent()->getName() << " loop " << L->getHeader()->getName()
               << ": no: " << Why;
        if (V)
            errs() << ": " << *V;
        errs() << "\n";
    }
    return false;
}

/// An i128 interval [Lo, Hi] of a value's exact (mathematical) value.
struct Range {
    const SCEV *Lo;
    const SCEV *Hi;
};

/// A condition the run-time check tests: `Lhs Pred Rhs` on i128 SCEVs.
struct Cond {
    CmpInst::Predicate Pred;
    const SCEV *Lhs;
    const SCEV *Rhs;
    // Or this one (when set).
    const SCEV *OrLhs = nullptr;
    const SCEV *OrRhs = nullptr;
};

/// A pinned access of linear memory in the loop.
struct Access {
    Instruction *I;
    Value *Base;      // the memory base the address is computed from
    Value *MemDef;    // the `VMMemory *` it was loaded from
    Range R;          // exact range of the byte offset from Base
    uint64_t Size;    // bytes accessed
    const SCEV *Off;  // the byte offset from Base
    bool Pinned;      // volatile: its bound goes into the check
};

class LoopVersioner {
  public:
    LoopVersioner(Function &F, Loop *L, ScalarEvolution &SE, DominatorTree &DT, LoopInfo &LI, AssumptionCache &AC,
                  const WasmliteVersioning &P, Function *RaiseTrap, unsigned MembaseKind)
        : F(F), L(L), SE(SE), DT(DT), LI(LI), AC(AC), P(P), RaiseTrap(RaiseTrap), MembaseKind(MembaseKind),
          I128(Type::getInt128Ty(F.getContext())) {}

    bool run();

  private:
    Function &F;
    Loop *L;
    ScalarEvolution &SE;
    DominatorTree &DT;
    LoopInfo &LI;
    AssumptionCache &AC;
    const WasmliteVersioning &P;
    Function *RaiseTrap;
    unsigned MembaseKind;
    Type *I128;
    const SCEV *N = nullptr;  // i128: maximum backedge-taken count
    SmallVector<Cond, 16> Conds;
    SmallVector<Access, 16> Accesses;
    SmallVector<BranchInst *, 8> Checks;  // branches to the OOB trap block that never go there
    unsigned RerolledBy = 0;
    SmallVector<Cond, 8> Disjoint;  // streams' byte ranges do not overlap (see separateStreams)

    const SCEV *c128(uint64_t V) { return SE.getConstant(I128, V); }
    const SCEV *maxOf(unsigned W) { return SE.getConstant(APInt::getLowBitsSet(128, W)); }
    bool range(const SCEV *S, Range &R, SmallVectorImpl<Cond> &Out);
    bool memoryOf(Value *Base, Value *&MemDef);
    bool isOobTrap(BasicBlock *BB);
    bool neverTrue(Value *C, bool Negated, SmallVectorImpl<Cond> &Out);
    bool analyse();
    const SCEV *widen(const SCEV *S);
    bool sumTerms(const SCEV *S, SmallVectorImpl<const SCEV *> &Ops);
    Value *buildCheck(BasicBlock *CheckBB, ArrayRef<Cond> Conds, bool Bounds);
    Loop *cloneLoop(Loop *L, BasicBlock *&CheckBB, ValueToValueMapTy &VMap);
    void rewriteFast();
    bool reroll();
    void separateStreams();
};

/// The terms of `S` if it is a sum: an add expression, or an outer loop's recurrence whose
/// start has a constant part (`{c + a,+,s}` = `c + {a,+,s}`: keeps the constant offsets of
/// unrolled copies apart from the rest).
bool LoopVersioner::sumTerms(const SCEV *S, SmallVectorImpl<const SCEV *> &Ops) {
    if (auto *A = dyn_cast<SCEVAddExpr>(S)) {
        Ops.append(A->operands().begin(), A->operands().end());
        return true;
    }
    auto *AR = dyn_cast<SCEVAddRecExpr>(S);
    if (!AR || AR->getLoop() == L || !AR->isAffine())
        return false;
    const SCEV *Start = AR->getStart();
    const SCEV *C = isa<SCEVConstant>(Start) ? Start : nullptr;
    if (auto *SA = dyn_cast<SCEVAddExpr>(Start); SA && isa<SCEVConstant>(SA->getOperand(0)))
        C = SA->getOperand(0);
    if (!C || cast<SCEVConstant>(C)->getAPInt().isZero())
        return false;
    Ops.push_back(C);
    Ops.push_back(SE.getAddRecExpr(SE.getMinusSCEV(Start, C), AR->getStepRecurrence(SE), AR->getLoop(), SCEV::FlagAnyWrap));
    return true;
}

/// Exact range of `S` over the loop's iterations 0..=N, adding the conditions under which the
/// machine value of `S` equals its mathematical value to `Out`. Sums and products are taken
/// apart (also loop-invariant ones, so that `zext(a + 4)` and `zext(a)` differ by 4 in the
/// rewritten addresses); a negative constant in a sum counts as negative (`a - 4`); other
/// invariant expressions are leaves (their machine value). `widen` follows the same cases.
bool LoopVersioner::range(const SCEV *S, Range &R, SmallVectorImpl<Cond> &Out) {
    Type *T = S->getType();
    if (!T->isIntegerTy() || T->getIntegerBitWidth() > 64)
        return false;
    unsigned W = T->getIntegerBitWidth();
    if (auto *Z = dyn_cast<SCEVZeroExtendExpr>(S))
        return range(Z->getOperand(), R, Out);
    SmallVector<const SCEV *, 4> Terms;
    if (sumTerms(S, Terms)) {
        const SCEV *Lo = c128(0), *Hi = c128(0);
        bool MayBeNegative = false;
        for (const SCEV *Op : Terms) {
            Range OR;
            auto *C = dyn_cast<SCEVConstant>(Op);
            if (C && C->getAPInt().isNegative()) {
                OR = {SE.getSignExtendExpr(C, I128), SE.getSignExtendExpr(C, I128)};
                MayBeNegative = true;
            } else if (!range(Op, OR, Out)) {
                return false;
            }
            Lo = SE.getAddExpr(Lo, OR.Lo);
            Hi = SE.getAddExpr(Hi, OR.Hi);
        }
        if (MayBeNegative)
            Out.push_back({CmpInst::ICMP_SGE, Lo, c128(0)});
        Out.push_back({CmpInst::ICMP_ULE, Hi, maxOf(W)});
        R = {Lo, Hi};
        return true;
    }
    if (auto *M = dyn_cast<SCEVMulExpr>(S)) {
        auto *C = dyn_cast<SCEVConstant>(M->getOperand(0));
        Range OR;
        if (M->getNumOperands() == 2 && C && range(M->getOperand(1), OR, Out)) {
            // The constant as an unsigned W-bit number: its product with the operand is the
            // machine value when it does not exceed 2^W - 1.
            const SCEV *K = c128(C->getAPInt().getZExtValue());
            R = {SE.getMulExpr(K, OR.Lo), SE.getMulExpr(K, OR.Hi)};
            Out.push_back({CmpInst::ICMP_ULE, R.Hi, maxOf(W)});
            return true;
        }
    }
    if (auto *AR = dyn_cast<SCEVAddRecExpr>(S); AR && AR->getLoop() == L) {
        const SCEV *Step = AR->getStepRecurrence(SE);
        Range SR;
        if (!AR->isAffine() || !SE.isLoopInvariant(Step, L) || !SE.isLoopInvariant(AR->getStart(), L) ||
            !range(AR->getStart(), SR, Out))
            return false;
        auto *SC = dyn_cast<SCEVConstant>(Step);
        if (SC && SC->getAPInt().isNegative()) {
            const SCEV *Lo = SE.getAddExpr(SR.Lo, SE.getMulExpr(SE.getSignExtendExpr(Step, I128), N));
            Out.push_back({CmpInst::ICMP_SGE, Lo, c128(0)});
            R = {Lo, SR.Hi};
        } else {
            const SCEV *Hi = SE.getAddExpr(SR.Hi, SE.getMulExpr(SE.getZeroExtendExpr(Step, I128), N));
            Out.push_back({CmpInst::ICMP_ULE, Hi, maxOf(W)});
            R = {SR.Lo, Hi};
        }
        return true;
    }
    if (SE.isLoopInvariant(S, L)) {
        // Its machine value, whatever it is, does not change in the loop.
        const SCEV *Z = SE.getZeroExtendExpr(S, I128);
        R = {Z, Z};
        return true;
    }
    return false;
}

/// The `VMMemory *` a memory base was loaded from (a tagged load, or a phi of such loads
/// from one pointer).
bool LoopVersioner::memoryOf(Value *Base, Value *&MemDef) {
    SmallVector<Value *, 8> Work{Base};
    SmallPtrSet<Value *, 8> Seen;
    MemDef = nullptr;
    while (!Work.empty()) {
        Value *V = Work.pop_back_val();
        if (!Seen.insert(V).second)
            continue;
        if (auto *Phi = dyn_cast<PHINode>(V)) {
            for (Value *In : Phi->incoming_values())
                Work.push_back(In);
            continue;
        }
        auto *Ld = dyn_cast<LoadInst>(V);
        if (!Ld || !Ld->getMetadata(MembaseKind) || Ld->isVolatile())
            return false;
        Value *Ptr = Ld->getPointerOperand();
        if (MemDef && MemDef != Ptr)
            return false;
        MemDef = Ptr;
    }
    if (!MemDef)
        return false;
    // The check block reloads base and length through it.
    auto *I = dyn_cast<Instruction>(MemDef);
    return !I || DT.dominates(I, L->getLoopPreheader()->getTerminator());
}

/// A block outside the loop that raises the out-of-bounds trap (possibly through the
/// dedicated exit blocks that loop simplification puts in front of it).
bool LoopVersioner::isOobTrap(BasicBlock *BB) {
    if (L->contains(BB))
        return false;
    for (unsigned Hops = 0; Hops < 4; ++Hops) {
        Instruction *First = BB->getFirstNonPHIOrDbg();
        auto *Br = dyn_cast_or_null<BranchInst>(First);
        if (!Br || Br->isConditional())
            break;
        BB = Br->getSuccessor(0);
    }
    for (Instruction &I : *BB) {
        if (isa<PHINode>(I) || isa<DbgInfoIntrinsic>(I))
            continue;
        auto *CI = dyn_cast<CallInst>(&I);
        if (!CI || CI->getCalledFunction() != RaiseTrap || CI->arg_size() < 2)
            return false;
        auto *Code = dyn_cast<ConstantInt>(CI->getArgOperand(1));
        return Code && Code->getZExtValue() == P.oob_code;
    }
    return false;
}

/// Conditions under which `C` (negated if `Negated`) is false in every iteration.
bool LoopVersioner::neverTrue(Value *C, bool Negated, SmallVectorImpl<Cond> &Out) {
    if (auto *BO = dyn_cast<BinaryOperator>(C)) {
        // (a | b) is never true if neither is; !(a & b) = !a | !b likewise.
        auto Opc = BO->getOpcode();
        if ((Opc == Instruction::Or && !Negated) || (Opc == Instruction::And && Negated))
            return neverTrue(BO->getOperand(0), Negated, Out) && neverTrue(BO->getOperand(1), Negated, Out);
        if (Opc == Instruction::Xor)
            if (auto *K = dyn_cast<ConstantInt>(BO->getOperand(1)); K && K->isOne())
                return neverTrue(BO->getOperand(0), !Negated, Out);
        return false;
    }
    auto *Cmp = dyn_cast<ICmpInst>(C);
    if (!Cmp || !Cmp->getOperand(0)->getType()->isIntegerTy())
        return false;
    CmpInst::Predicate Pr = Negated ? Cmp->getInversePredicate() : Cmp->getPredicate();
    const SCEV *X = SE.getSCEV(Cmp->getOperand(0));
    const SCEV *Y = SE.getSCEV(Cmp->getOperand(1));
    // Normalise to `X >u Y` or `X >=u Y` with Y loop-invariant.
    if (Pr == CmpInst::ICMP_ULT || Pr == CmpInst::ICMP_ULE) {
        std::swap(X, Y);
        Pr = CmpInst::getSwappedPredicate(Pr);
    }
    if ((Pr != CmpInst::ICMP_UGT && Pr != CmpInst::ICMP_UGE) || !SE.isLoopInvariant(Y, L))
        return false;
    Range R;
    SmallVector<Cond, 8> Local;
    if (!range(X, R, Local))
        return false;
    const SCEV *Bound = SE.getZeroExtendExpr(Y, I128);
    // X >u Y never: hi <= Y. X >=u Y never: hi + 1 <= Y.
    const SCEV *Hi = Pr == CmpInst::ICMP_UGE ? SE.getAddExpr(R.Hi, c128(1)) : R.Hi;
    Local.push_back({CmpInst::ICMP_ULE, Hi, Bound});
    Out.append(Local.begin(), Local.end());
    return true;
}

/// Whether the loop qualifies; collects the accesses, the removable checks and the conditions.
bool LoopVersioner::analyse() {
    if (!L->isInnermost() || !L->getLoopPreheader() || !L->getLoopLatch())
        return reject(L, "not an innermost loop with preheader and latch");
    const SCEV *BTC = SE.getSymbolicMaxBackedgeTakenCount(L);
    if (isa<SCEVCouldNotCompute>(BTC) || !BTC->getType()->isIntegerTy() ||
        BTC->getType()->getIntegerBitWidth() > 64)
        return reject(L, "no maximum trip count");
    N = SE.getZeroExtendExpr(BTC, I128);
    const DataLayout &DL = F.getDataLayout();
    unsigned Insts = 0;
    for (BasicBlock *BB : L->blocks()) {
        for (Instruction &I : *BB) {
            if (++Insts > 400)
                return reject(L, "too large");  // keep code growth bounded
            if (auto *CI = dyn_cast<CallBase>(&I)) {
                // Only intrinsics without side effects (no host calls: they may grow memory).
                // Inline asm without side effects or memory: the translator's value barriers.
                bool PureAsm = CI->isInlineAsm() && !cast<InlineAsm>(CI->getCalledOperand())->hasSideEffects() &&
                               !CI->mayReadOrWriteMemory();
                if (!PureAsm && (!isa<IntrinsicInst>(CI) || CI->mayHaveSideEffects()))
                    return reject(L, "call", CI);
                continue;
            }
            if (I.isAtomic() || isa<FenceInst>(I))
                return reject(L, "atomic", &I);
            if (auto *Br = dyn_cast<BranchInst>(&I)) {
                if (!Br->isConditional())
                    continue;
                for (unsigned K = 0; K < 2; ++K)
                    if (isOobTrap(Br->getSuccessor(K))) {
                        // Trap on the false edge: the condition must never be false.
                        SmallVector<Cond, 8> Local;
                        if (neverTrue(Br->getCondition(), K == 1, Local)) {
                            Conds.append(Local.begin(), Local.end());
                            Checks.push_back(Br);
                        }
                        break;
                    }
                continue;
            }
            bool Volatile = false;
            Value *Ptr = nullptr;
            Type *Ty = nullptr;
            if (auto *Ld = dyn_cast<LoadInst>(&I)) {
                Volatile = Ld->isVolatile();
                Ptr = Ld->getPointerOperand();
                Ty = Ld->getType();
            } else if (auto *St = dyn_cast<StoreInst>(&I)) {
                Volatile = St->isVolatile();
                Ptr = St->getPointerOperand();
                Ty = St->getValueOperand()->getType();
            } else if (I.mayHaveSideEffects() && !I.isTerminator()) {
                return reject(L, "side effect", &I);
            }
            if (!Ptr)
                continue;
            // An access of linear memory? Pinned ones must be, with a known offset range;
            // unpinned ones cannot fault (checked accesses, instance state), and their
            // address is only widened when its range is known.
            const SCEV *PS = SE.getSCEV(Ptr);
            auto *BaseU = dyn_cast<SCEVUnknown>(SE.getPointerBase(PS));
            Access A{&I, BaseU ? BaseU->getValue() : nullptr, nullptr, {}, DL.getTypeStoreSize(Ty).getFixedValue(),
                     nullptr, Volatile};
            if (!BaseU || !SE.isLoopInvariant(BaseU, L) || !memoryOf(A.Base, A.MemDef)) {
                if (Volatile)
                    return reject(L, "pinned access not of a known memory", &I);
                continue;
            }
            A.Off = SE.getMinusSCEV(PS, BaseU);
            SmallVector<Cond, 8> Local;
            if (isa<SCEVCouldNotCompute>(A.Off) || !range(A.Off, A.R, Local)) {
                if (!Volatile)
                    continue;
                if (debugOn())
                    errs() << "wlver: offset " << *A.Off << "\n";
                return reject(L, "pinned access with an unknown offset range", &I);
            }
            Conds.append(Local.begin(), Local.end());
            Accesses.push_back(A);
        }
    }
    if (std::none_of(Accesses.begin(), Accesses.end(), [](const Access &A) { return A.Pinned; }) && Checks.empty())
        return reject(L, "nothing to unpin or remove");
    return true;
}

/// `S` (exact under the conditions `range` gave for it) as an i64 expression that does not
/// wrap: zero extensions move to the leaves, add recurrences get no-wrap flags. Same cases,
/// in the same order, as `range`.
const SCEV *LoopVersioner::widen(const SCEV *S) {
    Type *I64 = Type::getInt64Ty(F.getContext());
    if (auto *Z = dyn_cast<SCEVZeroExtendExpr>(S))
        return widen(Z->getOperand());
    SmallVector<const SCEV *, 4> Terms;
    if (sumTerms(S, Terms)) {
        SmallVector<const SCEV *, 4> Ops;
        bool Negative = false;
        for (const SCEV *Op : Terms) {
            auto *C = dyn_cast<SCEVConstant>(Op);
            const SCEV *W = nullptr;
            if (C && C->getAPInt().isNegative()) {
                W = SE.getSignExtendExpr(C, I64);
                Negative = true;
            } else {
                W = widen(Op);
            }
            if (!W)
                return nullptr;
            Ops.push_back(W);
        }
        // Exact values below 2^33: no signed wrap; no unsigned wrap without negative terms.
        return SE.getAddExpr(Ops, Negative ? SCEV::FlagNSW : SCEV::NoWrapFlags(SCEV::FlagNUW | SCEV::FlagNSW));
    }
    if (auto *M = dyn_cast<SCEVMulExpr>(S)) {
        auto *C = dyn_cast<SCEVConstant>(M->getOperand(0));
        if (M->getNumOperands() == 2 && C)
            if (const SCEV *W = widen(M->getOperand(1)))
                return SE.getMulExpr(SE.getConstant(I64, C->getAPInt().getZExtValue()), W,
                                     SCEV::NoWrapFlags(SCEV::FlagNUW | SCEV::FlagNSW));
    }
    if (auto *AR = dyn_cast<SCEVAddRecExpr>(S); AR && AR->getLoop() == L) {
        if (!AR->isAffine())
            return nullptr;
        const SCEV *Step = AR->getStepRecurrence(SE);
        auto *SC = dyn_cast<SCEVConstant>(Step);
        bool Neg = SC && SC->getAPInt().isNegative();
        const SCEV *Start = widen(AR->getStart());
        if (!Start)
            return nullptr;
        const SCEV *StepW = Neg ? SE.getSignExtendExpr(Step, I64) : SE.getZeroExtendExpr(Step, I64);
        auto Flags = Neg ? SCEV::FlagNSW : SCEV::NoWrapFlags(SCEV::FlagNUW | SCEV::FlagNSW);
        return SE.getAddRecExpr(Start, StepW, L, Flags);
    }
    if (SE.isLoopInvariant(S, L))
        return SE.getZeroExtendExpr(S, I64);
    return nullptr;
}

/// The run-time check at the end of `CheckBB`: every condition holds, every memory's base is
/// the one the loop uses and every pinned access ends within its memory's length.
Value *LoopVersioner::buildCheck(BasicBlock *CheckBB, ArrayRef<Cond> Conds, bool Bounds) {
    Instruction *Term = CheckBB->getTerminator();
    IRBuilder<> B(Term);
    SCEVExpander Exp(SE, F.getDataLayout(), "wlver");
    Value *Ok = B.getTrue();
    DenseMap<Value *, Value *> Len;
    SmallPtrSet<Value *, 4> BaseChecked;
    SmallVector<Cond, 16> All(Conds.begin(), Conds.end());
    for (Access &A : Accesses) {
        if (!A.Pinned || !Bounds)
            continue;
        Value *&L8 = Len[A.MemDef];
        if (!L8) {
            Value *LenPtr = B.CreateConstInBoundsGEP1_64(B.getInt8Ty(), A.MemDef, P.length_offset);
            L8 = B.CreateLoad(B.getInt64Ty(), LenPtr, "wlver.len");
        }
        if (BaseChecked.insert(A.Base).second) {
            Value *BasePtr = B.CreateConstInBoundsGEP1_64(B.getInt8Ty(), A.MemDef, P.base_offset);
            Value *BaseNow = B.CreateLoad(A.Base->getType(), BasePtr, "wlver.base");
            Ok = B.CreateAnd(Ok, B.CreateICmpEQ(BaseNow, A.Base));
        }
        const SCEV *End = SE.getAddExpr(A.R.Hi, c128(A.Size));
        // min(length, 2^40): as good a bound for the check, and small enough for SCEV to see
        // that the comparison fits in i64 (a memory is never that large).
        const SCEV *LenS = SE.getUMinExpr(SE.getSCEV(L8), SE.getConstant(B.getInt64Ty(), uint64_t(1) << 40));
        All.push_back({CmpInst::ICMP_ULE, End, SE.getZeroExtendExpr(LenS, I128)});
    }
    // A comparison whose operands SCEV bounds within ±2^62 is done in i64 (truncating is exact
    // then); the others stay in i128. The check runs at every entry of the loop, so its cost
    // counts for short inner loops.
    Type *I64 = B.getInt64Ty();
    APInt Limit = APInt::getOneBitSet(128, 62);
    auto Fits = [&](const SCEV *S) {
        ConstantRange R = SE.getSignedRange(S);
        return R.getSignedMax().slt(Limit) && R.getSignedMin().sgt(-Limit);
    };
    auto Compare = [&](CmpInst::Predicate Pred, const SCEV *L, const SCEV *R) {
        bool Narrow = Fits(L) && Fits(R);
        if (Narrow) {
            L = SE.getTruncateExpr(L, I64);
            R = SE.getTruncateExpr(R, I64);
        }
        Type *Ty = Narrow ? I64 : I128;
        Value *LV = Exp.expandCodeFor(L, Ty, Term);
        Value *RV = Exp.expandCodeFor(R, Ty, Term);
        B.SetInsertPoint(Term);
        return B.CreateICmp(Pred, LV, RV);
    };
    std::set<std::tuple<unsigned, const SCEV *, const SCEV *, const SCEV *, const SCEV *>> Seen;
    for (const Cond &C : All) {
        // Identical conditions (SCEVs are uniqued) are tested once.
        if (!Seen.insert({unsigned(C.Pred), C.Lhs, C.Rhs, C.OrLhs, C.OrRhs}).second)
            continue;
        Value *Holds = Compare(C.Pred, C.Lhs, C.Rhs);
        if (C.OrLhs)
            Holds = B.CreateOr(Holds, Compare(CmpInst::ICMP_ULE, C.OrLhs, C.OrRhs));
        Ok = B.CreateAnd(Ok, Holds);
    }
    return Ok;
}

/// Clone the loop in front of itself; returns the clone's preheader and fills `VMap`.
Loop *LoopVersioner::cloneLoop(Loop *L, BasicBlock *&CheckBB, ValueToValueMapTy &VMap) {
    CheckBB = L->getLoopPreheader();
    Instruction *Term = CheckBB->getTerminator();
    BasicBlock *PH = SplitBlock(CheckBB, Term, &DT, &LI, nullptr, CheckBB->getName() + ".wlver.ph");
    SmallVector<BasicBlock *, 16> NewBlocks;
    SmallVector<BasicBlock *, 4> Exits;
    L->getUniqueExitBlocks(Exits);
    Loop *Fast = cloneLoopWithPreheader(PH, CheckBB, L, VMap, ".fast", &LI, &DT, NewBlocks);
    remapInstructionsInBlocks(NewBlocks, VMap);
    // Exit phis take the clone's values from its exiting blocks.
    for (BasicBlock *E : Exits) {
        for (PHINode &Phi : E->phis()) {
            SmallVector<std::pair<Value *, BasicBlock *>, 4> Add;
            for (unsigned K = 0; K < Phi.getNumIncomingValues(); ++K) {
                BasicBlock *In = Phi.getIncomingBlock(K);
                if (!L->contains(In))
                    continue;
                Value *V = Phi.getIncomingValue(K);
                Value *NV = VMap.count(V) ? static_cast<Value *>(VMap[V]) : V;
                Add.push_back({NV, cast<BasicBlock>(VMap[In])});
            }
            for (auto &[V, In] : Add)
                Phi.addIncoming(V, In);
            SE.forgetValue(&Phi);
        }
    }
    // Until the check is built, the original loop runs.
    Instruction *OldTerm = CheckBB->getTerminator();
    BranchInst::Create(cast<BasicBlock>(VMap[PH]), PH, ConstantInt::getFalse(F.getContext()), OldTerm->getIterator());
    OldTerm->eraseFromParent();
    SE.forgetLoop(L);
    DT.recalculate(F);
    return Fast;
}

/// Make the clone fast: no pins, no bounds checks the check showed never fire, and i64
/// addresses that do not wrap (so that the vectoriser sees consecutive accesses).
void LoopVersioner::rewriteFast() {
    SCEVExpander Exp(SE, F.getDataLayout(), "wlver");
    // One induction variable per step and start (not a canonical {0,+,1} counter): the
    // reroller divides steps by the unroll factor.
    Exp.disableCanonicalMode();
    for (Access &A : Accesses) {
        if (auto *Ld = dyn_cast<LoadInst>(A.I))
            Ld->setVolatile(false);
        else
            cast<StoreInst>(A.I)->setVolatile(false);
        const SCEV *W = widen(A.Off);
        if (!W || !Exp.isSafeToExpandAt(W, A.I))
            continue;
        Value *Off = Exp.expandCodeFor(W, W->getType(), A.I);
        IRBuilder<> B(A.I);
        Value *Ptr = B.CreateInBoundsGEP(B.getInt8Ty(), A.Base, Off, "wlver.addr");
        if (auto *Ld = dyn_cast<LoadInst>(A.I))
            Ld->setOperand(Ld->getPointerOperandIndex(), Ptr);
        else
            cast<StoreInst>(A.I)->setOperand(StoreInst::getPointerOperandIndex(), Ptr);
    }
    for (BranchInst *Br : Checks) {
        unsigned TrapK = isOobTrap(Br->getSuccessor(0)) ? 0 : 1;
        BasicBlock *Trap = Br->getSuccessor(TrapK);
        BasicBlock *Cont = Br->getSuccessor(1 - TrapK);
        Trap->removePredecessor(Br->getParent());
        BranchInst::Create(Cont, Br->getIterator());
        Br->eraseFromParent();
    }
}

/// All accesses share one base (the linear memory), so the vectoriser's dependence analysis
/// cannot tell a stream of stores from another stream of loads, and its run-time checks give
/// up on pairs it cannot order (a load and a store of the same element). Here accesses whose
/// addresses differ by constants form one stream; for every two streams of which one stores,
/// the check also tests that their byte ranges over the whole loop are disjoint, and each
/// stream gets an alias scope that the streams proven disjoint from it do not alias.
void LoopVersioner::separateStreams() {
    struct Stream {
        Value *Base;
        const SCEV *Off0;
        const SCEV *Lo;
        const SCEV *Hi;  // end (exclusive)
        bool Stores;
        SmallVector<Instruction *, 4> Members;
    };
    SmallVector<Stream, 8> Streams;
    for (Access &A : Accesses) {
        const SCEV *End = SE.getAddExpr(A.R.Hi, c128(A.Size));
        bool IsStore = isa<StoreInst>(A.I);
        // Compare widened offsets: zero extensions hide constant distances.
        const SCEV *Off = widen(A.Off);
        if (!Off)
            Off = A.Off;
        Stream *Into = nullptr;
        for (Stream &St : Streams)
            if (St.Base == A.Base && St.Off0->getType() == Off->getType() &&
                isa<SCEVConstant>(SE.getMinusSCEV(Off, St.Off0)))
                Into = &St;
        if (!Into) {
            Streams.push_back({A.Base, Off, A.R.Lo, End, IsStore, {}});
            Into = &Streams.back();
        } else {
            Into->Lo = SE.getUMinExpr(Into->Lo, A.R.Lo);
            Into->Hi = SE.getUMaxExpr(Into->Hi, End);
            Into->Stores |= IsStore;
        }
        Into->Members.push_back(A.I);
    }
    if (Streams.size() < 2 || Streams.size() > 8)
        return;
    LLVMContext &Ctx = F.getContext();
    MDBuilder MDB(Ctx);
    MDNode *Domain = MDB.createAnonymousAliasScopeDomain("wasmlite.versioning");
    SmallVector<MDNode *, 8> Scopes;
    for (unsigned I = 0; I < Streams.size(); ++I)
        Scopes.push_back(MDB.createAnonymousAliasScope(Domain));
    SmallVector<SmallVector<Metadata *, 8>, 8> NoAlias(Streams.size());
    for (unsigned I = 0; I < Streams.size(); ++I)
        for (unsigned J = I + 1; J < Streams.size(); ++J) {
            if (Streams[I].Base != Streams[J].Base || !(Streams[I].Stores || Streams[J].Stores))
                continue;
            Cond C{CmpInst::ICMP_ULE, Streams[I].Hi, Streams[J].Lo};
            C.OrLhs = Streams[J].Hi;
            C.OrRhs = Streams[I].Lo;
            Disjoint.push_back(C);
            NoAlias[I].push_back(Scopes[J]);
            NoAlias[J].push_back(Scopes[I]);
        }
    for (unsigned I = 0; I < Streams.size(); ++I) {
        if (NoAlias[I].empty())
            continue;
        for (Instruction *Ins : Streams[I].Members) {
            Ins->setMetadata(LLVMContext::MD_alias_scope,
                             MDNode::concatenate(Ins->getMetadata(LLVMContext::MD_alias_scope), MDNode::get(Ctx, {Scopes[I]})));
            Ins->setMetadata(LLVMContext::MD_noalias,
                             MDNode::concatenate(Ins->getMetadata(LLVMContext::MD_noalias), MDNode::get(Ctx, NoAlias[I])));
        }
    }
}


// ---------------------------------------------------------------------------------------
// Rerolling the fast copy.
//
// clang unrolls many loops (by 2, 4, 8) before they become wasm. Unrolled, a loop's accesses
// form interleave groups that LLVM's vectoriser finds too costly on SSE ("not beneficial"),
// while the same loop rolled vectorises with plain consecutive accesses. So, after the
// rewrite, a single-block fast loop whose body is K copies of one iteration becomes one copy
// again: copy j must compute, operation by operation, what copy 0 computes with every
// induction variable advanced by j * step / K (checked with SCEV), memory operations must be
// in copy order, and the loop must exit on `counter == limit` with `limit - start` a non-zero
// multiple of the counter's step (a run-time condition of the check). Rerolled, the loop
// performs exactly the same operations in the same order.

namespace {
bool rerollNo(Loop *L, const char *Why) {
    if (debugOn())
        errs() << "wlver: " << L->getHeader()->getParent()->getName() << " loop " << L->getHeader()->getName()
               << ": not rerolled: " << Why << "\n";
    return false;
}

struct Reroller {
    Loop *L;
    ScalarEvolution &SE;
    BasicBlock *BB;
    unsigned K = 0;
    struct IV {
        PHINode *P;
        Instruction *Inc;
        int64_t Step;
    };
    SmallVector<IV, 8> IVs;
    SmallVector<PHINode *, 4> Reds;
    SmallVector<StoreInst *, 16> Stores;
    SmallVector<DenseMap<Value *, Value *>, 8> M;  // copy j -> copy 0
    SmallPtrSet<Instruction *, 32> C0;
    struct Pending {
        unsigned J;
        Value *V;
        PHINode *P;
    };
    SmallVector<Pending, 8> Pend;

    Reroller(Loop *L, ScalarEvolution &SE) : L(L), SE(SE), BB(L->getHeader()) {}

    bool inBB(Value *V) const {
        auto *I = dyn_cast<Instruction>(V);
        return I && I->getParent() == BB;
    }
    const IV *ivOf(const Value *V) const {
        for (const IV &I : IVs)
            if (I.P == V)
                return &I;
        return nullptr;
    }
    bool isInc(const Value *V) const {
        for (const IV &I : IVs)
            if (I.Inc == V)
                return true;
        return false;
    }

    /// Pure computation that may stay behind (dead or feeding the kept copy).
    static bool pure(const Instruction &I) {
        if (isa<LoadInst>(I) || isa<StoreInst>(I) || I.mayHaveSideEffects() || I.mayReadOrWriteMemory())
            return false;
        return !isa<PHINode>(I) && !I.isTerminator();
    }

    bool classifyPhis() {
        for (PHINode &P : BB->phis()) {
            Value *In = P.getIncomingValueForBlock(BB);
            auto *I = dyn_cast<Instruction>(In);
            if (!I || I->getParent() != BB)
                return false;
            int64_t Step = 0;
            if (auto *BO = dyn_cast<BinaryOperator>(I); BO && BO->getOpcode() == Instruction::Add &&
                                                         BO->getOperand(0) == &P && isa<ConstantInt>(BO->getOperand(1))) {
                Step = cast<ConstantInt>(BO->getOperand(1))->getSExtValue();
            } else if (auto *G = dyn_cast<GetElementPtrInst>(I); G && G->getPointerOperand() == &P &&
                                                                 G->getNumIndices() == 1 &&
                                                                 G->getSourceElementType()->isIntegerTy(8) &&
                                                                 isa<ConstantInt>(G->getOperand(1))) {
                Step = cast<ConstantInt>(G->getOperand(1))->getSExtValue();
            }
            if (Step != 0)
                IVs.push_back({&P, I, Step});
            else
                Reds.push_back(&P);
        }
        return true;
    }

    /// Does `V` (computed in the block) depend on an increment other than through a phi?
    bool usesInc(Value *V, SmallPtrSetImpl<Value *> &Seen) {
        auto *I = dyn_cast<Instruction>(V);
        if (!I || I->getParent() != BB || isa<PHINode>(I) || !Seen.insert(I).second)
            return false;
        if (isInc(I))
            return true;
        for (Value *Op : I->operands())
            if (usesInc(Op, Seen))
                return true;
        return false;
    }

    bool match(Value *Vj, Value *V0, unsigned J) {
        if (Vj == V0)
            return !inBB(V0);
        auto It = M[J].find(Vj);
        if (It != M[J].end())
            return It->second == V0;
        if (Vj->getType() == V0->getType() && SE.isSCEVable(V0->getType()) && inBB(V0) && !isa<LoadInst>(V0)) {
            auto *A0 = dyn_cast<SCEVAddRecExpr>(SE.getSCEV(V0));
            if (A0 && A0->getLoop() == L && A0->isAffine()) {
                auto *St = dyn_cast<SCEVConstant>(A0->getStepRecurrence(SE));
                if (!St || St->getAPInt().getSExtValue() % (int64_t)K != 0)
                    return false;
                int64_t Shift = St->getAPInt().getSExtValue() / (int64_t)K * (int64_t)J;
                const SCEV *D = SE.getMinusSCEV(SE.getSCEV(Vj), A0);
                auto *DC = dyn_cast<SCEVConstant>(D);
                if (!DC || DC->getAPInt().getSExtValue() != Shift)
                    return false;
                SmallPtrSet<Value *, 16> Seen;
                if (usesInc(V0, Seen))
                    return false;
                return true;
            }
        }
        if (auto *P = dyn_cast<PHINode>(V0); P && P->getParent() == BB) {
            if (ivOf(P) || !inBB(Vj))
                return false;
            Pend.push_back({J, Vj, P});
            return true;
        }
        auto *Ij = dyn_cast<Instruction>(Vj);
        auto *I0 = dyn_cast<Instruction>(V0);
        if (!Ij || !I0 || Ij->getParent() != BB || I0->getParent() != BB || isa<PHINode>(Ij))
            return false;
        if (!Ij->isSameOperationAs(I0) || Ij->getNumOperands() != I0->getNumOperands())
            return false;
        if (auto *LI0 = dyn_cast<LoadInst>(I0); LI0 && !LI0->isSimple())
            return false;
        if (auto *SI0 = dyn_cast<StoreInst>(I0); SI0 && !SI0->isSimple())
            return false;
        if (!isa<LoadInst>(I0) && !isa<StoreInst>(I0) && (I0->mayHaveSideEffects() || I0->mayReadOrWriteMemory()))
            return false;
        M[J][Vj] = V0;
        C0.insert(I0);
        for (unsigned Op = 0; Op < I0->getNumOperands(); ++Op)
            if (!match(Ij->getOperand(Op), I0->getOperand(Op), J))
                return false;
        return true;
    }

    int copyOf(Instruction *I) const {
        if (C0.count(I))
            return 0;
        for (unsigned J = 1; J < K; ++J)
            if (M[J].count(I))
                return (int)J;
        return -1;
    }

    /// Try factor K; on success the maps describe the copies.
    bool tryFactor(unsigned Factor) {
        K = Factor;
        M.clear();
        M.resize(K);
        C0.clear();
        Pend.clear();
        for (const IV &I : IVs)
            if (I.Step % (int64_t)K != 0)
                return rerollNo(L, "an induction step is not a multiple of the factor");
        unsigned N = Stores.size() / K;
        for (unsigned J = 1; J < K; ++J)
            for (unsigned S = 0; S < N; ++S)
                if (!match(Stores[J * N + S], Stores[S], J))
                    return rerollNo(L, "the copies' stores do not match");
        // Reductions: copy j uses copy j-1's version of the value that comes around.
        for (const Pending &Pd : Pend) {
            Value *Y = Pd.P->getIncomingValueForBlock(BB);
            auto It = M[K - 1].find(Y);
            if (It == M[K - 1].end())
                return rerollNo(L, "a carried value does not come from the last copy");
            Value *Y0 = It->second;
            if (Pd.J == 1 ? Pd.V != Y0 : (!M[Pd.J - 1].count(Pd.V) || M[Pd.J - 1][Pd.V] != Y0))
                return rerollNo(L, "a carried value is not passed from copy to copy");
        }
        for (PHINode *P : Reds)
            if (!M[K - 1].count(P->getIncomingValueForBlock(BB)))
                return rerollNo(L, "a carried value is not computed by the last copy");
        // Copies are disjoint; memory operations come copy by copy.
        int Last = 0;
        for (Instruction &I : *BB) {
            int C = copyOf(&I);
            unsigned In = 0;
            for (unsigned J = 0; J < K; ++J)
                In += J == 0 ? C0.count(&I) : M[J].count(&I);
            if (In > 1)
                return rerollNo(L, "an instruction belongs to two copies");
            if (isa<LoadInst>(I) || isa<StoreInst>(I)) {
                if (C < Last)
                    return rerollNo(L, "memory operations are not in copy order");
                Last = C;
            }
            if (C < 0 && !isa<PHINode>(I) && !I.isTerminator() && !pure(I))
                return rerollNo(L, "an instruction with effects belongs to no copy");
            // A deleted instruction's users: deleted ones, or what the rewrite remaps.
            if (C > 0)
                for (User *U : I.users()) {
                    auto *UI = cast<Instruction>(U);
                    int UC = UI->getParent() == BB ? copyOf(UI) : -2;
                    bool RedIn = isa<PHINode>(UI) && UI->getParent() == BB && C == (int)K - 1;
                    bool ExitUse = UI->getParent() != BB && isa<PHINode>(UI) && C == (int)K - 1;
                    if (UC <= 0 && !RedIn && !ExitUse && !(UC == -1 && pure(*UI)))
                        return rerollNo(L, "a copy's value is used elsewhere");
                }
        }
        return true;
    }
};
}  // namespace

bool LoopVersioner::reroll() {
    // One block: merge the straight chains that removed checks left.
    for (bool Merged = true; Merged;) {
        Merged = false;
        for (BasicBlock *B : L->blocks())
            if (B != L->getHeader() && MergeBlockIntoPredecessor(B, nullptr, &LI)) {
                Merged = true;
                break;
            }
    }
    DT.recalculate(F);
    if (L->getNumBlocks() != 1)
        return rerollNo(L, "more than one block");
    Reroller R(L, SE);
    BasicBlock *BB = R.BB;
    auto *Br = dyn_cast<BranchInst>(BB->getTerminator());
    if (!Br || !Br->isConditional())
        return rerollNo(L, "no conditional latch branch");
    auto *Cmp = dyn_cast<ICmpInst>(Br->getCondition());
    if (!Cmp || !Cmp->isEquality() || !Cmp->hasOneUse() || Cmp->getParent() != BB || !R.classifyPhis())
        return rerollNo(L, "the exit test is not an equality, or a phi is neither an induction nor carried");
    for (Instruction &I : *BB)
        if (auto *St = dyn_cast<StoreInst>(&I))
            R.Stores.push_back(St);
    // The exit test: counter increment == (or !=) an invariant limit.
    // (The increment may be truncated first, as indvars leaves a widened counter.)
    const Reroller::IV *Counter = nullptr;
    Value *Limit = nullptr;
    for (unsigned Op = 0; Op < 2; ++Op) {
        Value *X = Cmp->getOperand(Op);
        if (auto *Tr = dyn_cast<TruncInst>(X))
            X = Tr->getOperand(0);
        for (const Reroller::IV &I : R.IVs)
            if (X == I.Inc && I.P->getType()->isIntegerTy() && I.Step > 0 &&
                L->isLoopInvariant(Cmp->getOperand(1 - Op))) {
                Counter = &I;
                Limit = Cmp->getOperand(1 - Op);
            }
    }
    if (!Counter || R.Stores.empty())
        return rerollNo(L, "no counter == limit exit test, or no stores");
    // Increments: used by their phi, the exit test, or code that goes away.
    for (const Reroller::IV &I : R.IVs)
        for (User *U : I.Inc->users())
            if (U != I.P && U != Cmp && !(isa<Instruction>(U) && cast<Instruction>(U)->getParent() != BB))
                if (!(isa<Instruction>(U) && Reroller::pure(*cast<Instruction>(U))))
                    return rerollNo(L, "an increment is used by the body");
    bool Ok = false;
    for (unsigned Factor : {8u, 4u, 2u})
        if (R.Stores.size() % Factor == 0 && R.Stores.size() >= Factor && R.tryFactor(Factor)) {
            Ok = true;
            break;
        }
    if (!Ok)
        return rerollNo(L, "the body is not 2, 4 or 8 matching copies");
    unsigned K = R.K;
    // Values used after the loop: copy K-1's (remapped), increments (same final value) or
    // invariants.
    SmallVector<BasicBlock *, 2> Exits;
    L->getUniqueExitBlocks(Exits);
    for (BasicBlock *E : Exits)
        for (PHINode &Phi : E->phis()) {
            Value *V = Phi.getIncomingValueForBlock(BB);
            if (!V || !R.inBB(V) || R.isInc(V) || R.M[K - 1].count(V))
                continue;
            return rerollNo(L, "a value other than the last copy's or an increment is used after the loop");
        }
    for (const Reroller::IV &I : R.IVs)
        for (User *U : I.Inc->users())
            if (auto *UI = dyn_cast<Instruction>(U); UI && UI->getParent() != BB && !isa<PHINode>(UI))
                return rerollNo(L, "an increment is used after the loop other than by a phi");
    // Run-time condition: limit - start is a non-zero multiple of the counter's step.
    Type *CT = Limit->getType();
    const SCEV *Start = SE.getTruncateOrNoop(SE.getSCEV(Counter->P->getIncomingValueForBlock(L->getLoopPreheader())), CT);
    const SCEV *D = SE.getMinusSCEV(SE.getSCEV(Limit), Start);
    const SCEV *Rem = SE.getURemExpr(D, SE.getConstant(CT, Counter->Step));
    Conds.push_back({CmpInst::ICMP_EQ, SE.getZeroExtendExpr(Rem, I128), c128(0)});
    Conds.push_back({CmpInst::ICMP_NE, SE.getZeroExtendExpr(D, I128), c128(0)});
    // Rewrite: exits and reductions take copy 0's values, steps shrink by K, copies go.
    for (BasicBlock *E : Exits)
        for (PHINode &Phi : E->phis()) {
            int Idx = Phi.getBasicBlockIndex(BB);
            if (Idx < 0)
                continue;
            auto It = R.M[K - 1].find(Phi.getIncomingValue(Idx));
            if (It != R.M[K - 1].end())
                Phi.setIncomingValue(Idx, It->second);
        }
    for (PHINode *P : R.Reds)
        P->setIncomingValueForBlock(BB, R.M[K - 1][P->getIncomingValueForBlock(BB)]);
    for (const Reroller::IV &I : R.IVs) {
        Value *Step = ConstantInt::get(I.Inc->getOperand(1)->getType(), I.Step / (int64_t)K, true);
        I.Inc->setOperand(1, Step);
        I.Inc->dropPoisonGeneratingFlags();
    }
    for (Instruction *I : R.C0)
        if (!isa<GetElementPtrInst>(I))
            I->dropPoisonGeneratingFlags();
    SmallVector<Instruction *, 32> Dead;
    for (Instruction &I : *BB)
        if (R.copyOf(&I) > 0)
            Dead.push_back(&I);
    for (Instruction *I : Dead)
        I->replaceAllUsesWith(PoisonValue::get(I->getType()));
    for (Instruction *I : Dead)
        I->eraseFromParent();
    SmallVector<WeakTrackingVH, 16> Maybe;
    for (Instruction &I : *BB)
        Maybe.push_back(&I);
    RecursivelyDeleteTriviallyDeadInstructionsPermissive(Maybe);
    SE.forgetLoop(L);
    RerolledBy = K;
    return true;
}

bool LoopVersioner::run() {
    // Canonical form: a preheader, dedicated exits (as the vectoriser, which runs next, also
    // makes them), and LCSSA phis for values used outside (which cloning relies on).
    simplifyLoop(L, &DT, &LI, &SE, &AC, nullptr, false);
    if (!analyse())
        return false;
    formLCSSA(*L, DT, &LI, &SE);
    if (!L->getLoopPreheader() || !L->isLCSSAForm(DT))
        return reject(L, "not in LCSSA form");
    // Clone, then analyse the clone itself: the check and the rewrite are derived from the
    // very expressions they are about.
    Loop *Orig = L;
    BasicBlock *CheckBB = nullptr;
    ValueToValueMapTy VMap;
    Loop *Fast = cloneLoop(L, CheckBB, VMap);
    L = Fast;
    Accesses.clear();
    Checks.clear();
    Conds.clear();
    bool Ok = analyse();
    Instruction *At = CheckBB->getTerminator();
    SCEVExpander Probe(SE, F.getDataLayout(), "wlver");
    for (const Cond &C : Conds)
        Ok = Ok && Probe.isSafeToExpandAt(C.Lhs, At) && Probe.isSafeToExpandAt(C.Rhs, At);
    for (Access &A : Accesses)
        Ok = Ok && Probe.isSafeToExpandAt(A.R.Lo, At) && Probe.isSafeToExpandAt(A.R.Hi, At);
    if (!Ok)
        return reject(Orig, "clone not analysable (it stays unused)");
    rewriteFast();
    separateStreams();
    reroll();
    cast<BranchInst>(At)->setCondition(buildCheck(CheckBB, Conds, true));
    // A straight-line fast loop with separable streams gets a second fast copy without the
    // alias scopes, for when the streams overlap (e.g. a row read while it is written).
    if (!Disjoint.empty()) {
        if (L->getNumBlocks() == 1) {
            BasicBlock *Check2 = nullptr;
            ValueToValueMapTy VMap2;
            Loop *Plain = cloneLoop(L, Check2, VMap2);
            for (BasicBlock *B : Plain->blocks())
                for (Instruction &I : *B) {
                    I.setMetadata(LLVMContext::MD_alias_scope, nullptr);
                    I.setMetadata(LLVMContext::MD_noalias, nullptr);
                }
            // cloneLoop enters its copy (Plain) on the condition; enter the scoped loop (L)
            // when the streams are disjoint.
            auto *Br2 = cast<BranchInst>(Check2->getTerminator());
            Br2->setCondition(buildCheck(Check2, Disjoint, false));
            Br2->swapSuccessors();
        } else {
            for (BasicBlock *B : L->blocks())
                for (Instruction &I : *B) {
                    I.setMetadata(LLVMContext::MD_alias_scope, nullptr);
                    I.setMetadata(LLVMContext::MD_noalias, nullptr);
                }
            Disjoint.clear();
        }
    }
    if (debugOn())
        errs() << "wlver: " << F.getName() << " loop " << Orig->getHeader()->getName() << ": versioned, "
               << Accesses.size() << " accesses, " << Checks.size() << " checks, " << Conds.size()
               << " conditions, rerolled by " << RerolledBy << ", " << Disjoint.size() << " stream pairs\n";
    return true;
}

class WasmliteVersioningPass : public PassInfoMixin<WasmliteVersioningPass> {
  public:
    WasmliteVersioningPass(WasmliteVersioning P, std::string RaiseTrap) : P(P), RaiseTrap(std::move(RaiseTrap)) {}

    PreservedAnalyses run(Function &F, FunctionAnalysisManager &FAM) {
        Function *RT = F.getParent()->getFunction(RaiseTrap);
        if (!RT)
            return PreservedAnalyses::all();
        unsigned Kind = F.getContext().getMDKindID("wasmlite.membase");
        auto &LI = FAM.getResult<LoopAnalysis>(F);
        auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
        auto &DT = FAM.getResult<DominatorTreeAnalysis>(F);
        auto &AC = FAM.getResult<AssumptionAnalysis>(F);
        SmallVector<Loop *, 16> Loops;
        for (Loop *L : LI.getLoopsInPreorder())
            if (L->isInnermost())
                Loops.push_back(L);
        bool Changed = false;
        for (Loop *L : Loops) {
            LoopVersioner V(F, L, SE, DT, LI, AC, P, RT, Kind);
            Changed |= V.run();
        }
        if (!Changed)
            return PreservedAnalyses::all();
        return PreservedAnalyses::none();
    }

  private:
    WasmliteVersioning P;
    std::string RaiseTrap;
};

}  // namespace

extern "C" LLVMErrorRef wasmlite_run_passes(LLVMModuleRef M, const char *Passes, LLVMTargetMachineRef TM,
                                            const WasmliteVersioning *V) {
    TargetMachine *Machine = reinterpret_cast<TargetMachine *>(TM);
    Module *Mod = unwrap(M);
    PipelineTuningOptions PTO;
    PassInstrumentationCallbacks PIC;
    PassBuilder PB(Machine, PTO, std::nullopt, &PIC);
    LoopAnalysisManager LAM;
    FunctionAnalysisManager FAM;
    CGSCCAnalysisManager CGAM;
    ModuleAnalysisManager MAM;
    PB.registerLoopAnalyses(LAM);
    PB.registerFunctionAnalyses(FAM);
    PB.registerCGSCCAnalyses(CGAM);
    PB.registerModuleAnalyses(MAM);
    PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);
    StandardInstrumentations SI(Mod->getContext(), false, false);
    SI.registerCallbacks(PIC, &MAM);
    // Interprocedural passes with nothing to find in translated wasm (clang ran them on the
    // C already; every function takes the run-time vmctx, and indirect calls go through
    // tables filled at run time): skipped, about 5 % of SQLite's compile time.
    PIC.registerShouldRunOptionalPassCallback([](StringRef Pass, Any) {
        return Pass != "IPSCCPPass" && Pass != "CalledValuePropagationPass";
    });
    if (V && V->raise_trap) {
        WasmliteVersioning P = *V;
        std::string RT = V->raise_trap;
        P.raise_trap = nullptr;
        PB.registerVectorizerStartEPCallback([P, RT](FunctionPassManager &FPM, OptimizationLevel) {
            FPM.addPass(WasmliteVersioningPass(P, RT));
        });
    }
    ModulePassManager MPM;
    if (auto Err = PB.parsePassPipeline(MPM, Passes))
        return wrap(std::move(Err));
    MPM.run(*Mod, MAM);
    return LLVMErrorSuccess;
}

#ifdef WASMLITE_PLUGIN
// For experiments with opt-19: `opt-19 -load-pass-plugin=./libwlver.so -passes='default<O2>'`.
#include "llvm/Passes/PassPlugin.h"
extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo llvmGetPassPluginInfo() {
    return {LLVM_PLUGIN_API_VERSION, "wlver", "0.1", [](PassBuilder &PB) {
                PB.registerVectorizerStartEPCallback([](FunctionPassManager &FPM, OptimizationLevel) {
                    const char *RT = getenv("WLVER_RAISE_TRAP");
                    FPM.addPass(WasmliteVersioningPass({nullptr, 5, 0, 8}, RT ? RT : ""));
                });
            }};
}
#endif
