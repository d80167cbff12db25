// localStorage with a fallback to memory: quota errors, private mode or a
// disabled storage never stop tracking.
const STORAGE_KEY = 'microtrack';
let storedInMemory = '';
let storageWarned = false;

const storageGet = () => {
  try {
    return localStorage.getItem(STORAGE_KEY) || '';
  } catch (e) {
    return storedInMemory;
  }
};

const storageSet = (value) => {
  storedInMemory = value;
  try {
    if (value) localStorage.setItem(STORAGE_KEY, value);
    else localStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    if (!storageWarned) log('warn', 'localStorage is unavailable (' + e.name + '); keeping events in memory.');
    storageWarned = true;
  }
};
