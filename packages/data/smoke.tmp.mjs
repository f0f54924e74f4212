import { loadChoiceData, listColumns } from './dist/index.js';
const D = '/work/shared/data/';
let t = performance.now();
const vars = ['pf','cl','loc','wk','tod','seas'].map(c => ({ name: c, source: { kind: 'column', column: c } }));
const e = loadChoiceData({ path: D+'electricity_long.csv', id: 'id', situation: 'chid', alt: 'alt', choice: 'choice' }, { variables: vars });
console.log('elec', performance.now()-t, e.nUnits, e.nSituations, e.nRows, e.nVars, e.altLabels, Array.from(e.X.slice(0,12)), Array.from(e.sitChosen.slice(0,5)));
t = performance.now();
const sm = loadChoiceData({ path: D+'swissmetro.dat', format: 'wide', id: 'ID', choice: 'CHOICE',
  filter: '(PURPOSE == 1 || PURPOSE == 3) && CHOICE != 0',
  derive: { TRAIN_COST: 'TRAIN_CO * (GA == 0) / 100', SM_COST: 'SM_CO * (GA == 0) / 100', CAR_COST: 'CAR_CO / 100', TRAIN_TIME: 'TRAIN_TT/100', SM_TIME: 'SM_TT/100', CAR_TIME: 'CAR_TT/100'},
  alternatives: { TRAIN: { time: 'TRAIN_TIME', cost: 'TRAIN_COST', av: 'TRAIN_AV' }, SM: { time: 'SM_TIME', cost: 'SM_COST', av: 'SM_AV' }, CAR: { time: 'CAR_TIME', cost: 'CAR_COST', av: 'CAR_AV' } } },
  { variables: [ { name: 'ASC_TRAIN', source: { kind: 'asc', alt: 'TRAIN' } }, { name: 'ASC_CAR', source: { kind: 'asc', alt: 'CAR' } }, { name: 'B_TIME', source: { kind: 'column', column: 'time' } }, { name: 'B_COST', source: { kind: 'column', column: 'cost' } } ] });
console.log('sm', performance.now()-t, sm.nUnits, sm.nSituations, sm.nRows, Array.from(sm.X.slice(0,12)), Array.from(sm.sitChosen.slice(0,5)));
console.log(listColumns(D+'swissmetro.dat').length);
t = performance.now();
const big = loadChoiceData({ path: '/tmp/big.csv', id: 'id', situation: 'task', alt: 'alt', choice: 'choice' }, { variables: ['x1','x2','x3'].map(c => ({ name: c, source: { kind: 'column', column: c } })) });
console.log('big', performance.now()-t, big.nUnits, big.nSituations, big.nRows);
