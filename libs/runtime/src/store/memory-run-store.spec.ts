import { MemoryRunStore } from './memory-run-store';
import { describeRunStore, type RunStoreHarness } from './run-store-conformance';

const FLOW = {
  name: 'conformance',
  agents: [
    { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
    { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: ['Hello'] } },
  ],
  chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
};

function memoryHarness(): RunStoreHarness {
  const store = new MemoryRunStore();
  return {
    store,
    async queuedRun({ credits = 0, message = 'Hi' } = {}) {
      const chatId = store.addChat(store.addAccount(credits), FLOW);
      return store.startRun(chatId, { message });
    },
    async anotherRun(of, { sameChat = false, message = 'Again' } = {}) {
      return store.startRun(sameChat ? of.chat_id : store.addChat(of.account_id, FLOW), { message });
    },
    async answer(chatId, message) {
      store.answer(chatId, { kind: 'text', message });
    },
    async requestCancel(chatId) {
      store.requestCancel(chatId);
    },
    async chat(chatId) {
      return store.chat(chatId)!;
    },
    async run(runId) {
      return store.run(runId)!;
    },
    events: async (chatId) => store.events(chatId),
    messages: async (chatId) => store.messages(chatId),
    balance: async (accountId) => store.balance(accountId),
  };
}

describeRunStore('memory', async () => memoryHarness());
