#!/bin/bash
# Regenerates bench/results/study-rounds.{md,json} from every run file of the study.
cd "$(dirname "$0")/../.."
R=bench/results
args=("round1=$R/study-after.json")
pair() { args+=("$1=$R/$2-dev$3.json" "$1=$R/$2-test$3.json"); }
pair round2-before-A study-round2-before -A; pair round2-before-B study-round2-before -B
pair final study-final; pair capture-before study-capture-before; pair capture-final study-capture-final
pair round3-before-A study-round3-before; pair round3-before-B study-round3b-before; pair round3-final study-round3-final
for r in 1 2; do pair 'end of round 3' study-now-round$r; done
pair round4-before-A study-round4-before -A; pair round4-before-B study-round4-before -B; pair round4-final study-round4-final
for r in 1 2 3; do pair 'end of round 4' study-end4-round$r; done
pair round5-before study-round5-before; pair round5-final study-round5-final
pair round6-before study-round6-before; pair round6-final study-round6-final
for r in 1 2 3 4; do pair 'end of round 6' study-end6-round$r; done
pair round7-before study-round7-before
[ -f $R/study-round7-final-dev.json ] && pair round7-final study-round7-final
[ -f $R/study-round8-before-dev.json ] && pair round8-before study-round8-before
[ -f $R/study-round8-final-dev.json ] && pair round8-final study-round8-final
[ -f $R/study-round9-before-dev.json ] && pair round9-before study-round9-before
[ -f $R/study-round9-final-dev.json ] && pair round9-final study-round9-final
[ -f $R/study-round10-before-dev.json ] && pair round10-before study-round10-before
[ -f $R/study-round10-final-dev.json ] && pair round10-final study-round10-final
[ -f $R/study-round11-before-dev.json ] && pair round11-before-A study-round11-before
[ -f $R/study-round11b-before-dev.json ] && pair round11-before-B study-round11b-before
[ -f $R/study-round11-final-dev.json ] && pair round11-final study-round11-final
[ -f $R/study-round12-before-dev.json ] && pair round12-before study-round12-before
[ -f $R/study-round12-final-dev.json ] && pair round12-final study-round12-final
[ -f $R/study-round13-before-dev.json ] && pair round13-before study-round13-before
[ -f $R/study-round13-final-dev.json ] && pair round13-final study-round13-final
[ -f $R/study-round14-before-dev.json ] && pair round14-before study-round14-before
[ -f $R/study-round14-final-dev.json ] && pair round14-final study-round14-final
[ -f $R/study-round15-before-dev.json ] && pair round15-before study-round15-before
[ -f $R/study-round15-final-dev.json ] && pair round15-final study-round15-final
[ -f $R/study-round16-before-dev.json ] && pair round16-before study-round16-before
[ -f $R/study-round16-final-dev.json ] && pair round16-final study-round16-final
[ -f $R/study-round17-before-dev.json ] && pair round17-before study-round17-before
[ -f $R/study-round17-now-dev.json ] && pair round17-end-of-session-1 study-round17-now
[ -f $R/study-round17-before2-dev.json ] && pair round17-before-session-2 study-round17-before2
[ -f $R/study-round17-now2-dev.json ] && pair round17-end-of-session-2 study-round17-now2
[ -f $R/study-round17-before3-dev.json ] && pair round17-before-session-3 study-round17-before3
[ -f $R/study-round17-final-dev.json ] && pair round17-final study-round17-final
[ -f $R/study-round18-before-dev.json ] && pair round18-before study-round18-before
[ -f $R/study-round18-now-dev.json ] && pair round18-end-of-session-1 study-round18-now
# Round 18's second session: its new repositories before any change of the session (the held-out ones counts only) and its new development ones after; then the whole round.
[ -f $R/study-round18-s2-before-dev.json ] && pair round18-session-2-before study-round18-s2-before
[ -f $R/study-round18-s2-after-dev.json ] && args+=("round18-session-2-after=$R/study-round18-s2-after-dev.json")
[ -f $R/study-round18-now2-dev.json ] && pair round18-end-of-session-2 study-round18-now2
[ -f $R/study-round18-s3-before-dev.json ] && pair round18-session-3-before study-round18-s3-before
[ -f $R/study-round18-now3-dev.json ] && pair round18-end-of-session-3 study-round18-now3
[ -f $R/study-round18-s4-before-dev.json ] && pair round18-session-4-before study-round18-s4-before
[ -f $R/study-round18-s4-after-dev.json ] && args+=("round18-session-4-after=$R/study-round18-s4-after-dev.json")
# Round 18's fifth session, before any change of it: the earlier sessions' development builders, its new development ones (two runs) and its new held-out ones (counts only); then the whole round at its end.
[ -f $R/study-round18-s5-before-dev.json ] && args+=("round18-session-5-before-earlier-dev=$R/study-round18-s5-before-dev.json")
for f in s5new s5new2; do [ -f $R/study-round18-$f-before-dev.json ] && args+=("round18-session-5-before-new=$R/study-round18-$f-before-dev.json"); done
[ -f $R/study-round18-s5-before-test.json ] && args+=("round18-session-5-before-new=$R/study-round18-s5-before-test.json")
[ -f $R/study-round18-final-dev.json ] && pair round18-final study-round18-final
# Round 18 seen again in the sixth session (after its first changes), and three held-out repositories whose failures it read, at its end.
[ -f $R/study-round18-s6-now-dev.json ] && pair round18-seen-session-6 study-round18-s6-now
[ -f $R/study-round18-s6-end-three.json ] && args+=("round18-seen-session-6-end=$R/study-round18-s6-end-three.json")
# Round 19's first session: before any change of it (the held-out half counts only), and its development half after.
[ -f $R/study-round19-before-dev.json ] && pair round19-before study-round19-before
[ -f $R/study-round19-s1-after-dev.json ] && args+=("round19-session-1-after=$R/study-round19-s1-after-dev.json")
# The first session's sixth collector's repositories, before and after (the held-out one counts only).
[ -f $R/study-round19-before2-dev.json ] && pair round19-before-sixth-collector study-round19-before2
[ -f $R/study-round19-s1-after2-dev.json ] && args+=("round19-session-1-after-sixth-collector=$R/study-round19-s1-after2-dev.json")
# Round 19's second session: its new repositories before any change of the session (the held-out ones counts only); then the
# round at its end: the development half after the session's changes, and the held-out half run once (the measure).
[ -f $R/study-round19-s2-before-dev.json ] && pair round19-session-2-before study-round19-s2-before
[ -f $R/study-round19-s2-after-dev.json ] && args+=("round19-session-2-after=$R/study-round19-s2-after-dev.json")
[ -f $R/study-round19-end-dev.json ] && pair round19-final study-round19-end
# Its held-out half again after the fix of the regression its one run showed (seen since, not the measure).
[ -f $R/study-round19-end-seen-test.json ] && args+=("round19-seen-after-its-run=$R/study-round19-end-seen-test.json")
# Rounds 13, 14, 17 and 18's held-out halves after the changes made once their failures had been read (their development halves did not change).
[ -f $R/study-now-r18-test.json ] && args+=("now=$R/study-now-r18-test.json")
[ -f $R/study-now-r17-test.json ] && args+=("now=$R/study-now-r17-test.json")
[ -f $R/study-now-r14-test.json ] && args+=("now=$R/study-now-r14-test.json")
[ -f $R/study-now-r13-test.json ] && args+=("now=$R/study-now-r13-test.json")
[ -f $R/study-now-r11-dev.json ] && pair now study-now-r11
[ -f $R/study-now-r10-dev.json ] && pair now study-now-r10
[ -f $R/study-now-r9-dev.json ] && pair now study-now-r9
[ -f $R/study-now-r8-dev.json ] && pair now study-now-r8
for r in 1 2 3 4 5 6 7; do [ -f $R/study-now-r$r-dev.json ] && pair now study-now-r$r; done
# Every earlier capture program again, after the change that hands over a model a failing program built.
for r in 2 3 4 5 7; do [ -f $R/study-now-capture-r$r-dev.json ] && pair "now (capture rerun)" study-now-capture-r$r; done
node bench/real-code/study-rounds.mjs --out $R/study-rounds "${args[@]}" > /dev/null
