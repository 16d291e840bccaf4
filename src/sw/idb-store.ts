// The shape of an idb-keyval store, written out here rather than imported as idb-keyval's
// `UseStore`: the package's declaration files name this type, and an adopter installs the package
// without idb-keyval (it is bundled into the worker), so a type imported from it would not resolve.

/** An IndexedDB object store, opened per call (idb-keyval's `UseStore`, structurally the same). */
export type IdbStore = <T>(txMode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>) => Promise<T>;
