import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { CreditsUsage1764100000000 } from './1764100000000-credits-usage';
import { CommitStepFunction1764200000000 } from './1764200000000-commit-step-function';
import { AccountSecrets1765100000000 } from './1765100000000-account-secrets';
import { RunTakeovers1765100000001 } from './1765100000001-run-takeovers';
import { OperatorClaims1765400000000 } from './1765400000000-operator-claims';
import { Knowledge1765500000000 } from './1765500000000-knowledge';
import { Webhooks1765600000000 } from './1765600000000-webhooks';
import { ChatForks1765700000000 } from './1765700000000-chat-forks';
import { RunAnswers1765700000001 } from './1765700000001-run-answers';
import { CommitStepLifecycle1765800000000 } from './1765800000000-commit-step-lifecycle';
import { RunFailureKind1765900000000 } from './1765900000000-run-failure-kind';
import { RunClaimFinishFunctions1766000000000 } from './1766000000000-run-claim-finish-functions';
import { CommitFinalStep1766000000001 } from './1766000000001-commit-final-step';
import { StartRunFunction1766100000000 } from './1766100000000-start-run-function';
import { AnswerRunFunction1766100000001 } from './1766100000001-answer-run-function';
import { CommitStepsBatch1766300000000 } from './1766300000000-commit-steps-batch';

/** Every migration in order; run on start-up. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  CreditsUsage1764100000000,
  CommitStepFunction1764200000000,
  AccountSecrets1765100000000,
  RunTakeovers1765100000001,
  OperatorClaims1765400000000,
  Knowledge1765500000000,
  Webhooks1765600000000,
  ChatForks1765700000000,
  RunAnswers1765700000001,
  CommitStepLifecycle1765800000000,
  RunFailureKind1765900000000,
  RunClaimFinishFunctions1766000000000,
  CommitFinalStep1766000000001,
  StartRunFunction1766100000000,
  AnswerRunFunction1766100000001,
  CommitStepsBatch1766300000000,
];
