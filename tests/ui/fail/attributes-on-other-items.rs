use cors_runtime::{cors, cors_policy};

#[cors(origins = "*")]
pub enum Enum {}

#[cors(origins = "*")]
unsafe impl Send for Enum {}

#[cors(origins = "*")]
pub(crate) mod module {}

#[cors(origins = "*")]
const CONST: u8 = 1;

#[cors(origins = "*")]
static STATIC: u8 = 1;

#[cors(origins = "*")]
type Alias = u8;

#[cors(origins = "*")]
#[allow(unused_imports)]
use std::fmt;

#[cors(origins = "*")]
pub trait Trait {}

#[cors(origins = "*")]
pub union Union {
    a: u8,
}

#[cors(origins = "*")]
macro_rules! m {
    () => {};
}

#[cors_policy(origins = "*")]
pub const unsafe fn constant() {}

#[cors_policy(origins = "*")]
extern "C" fn abi() {}

#[cors_policy(origins = "*")]
pub struct Generic<T>(T);

#[cors_policy(origins = "*")]
pub(crate) struct Tuple(u8);

#[cors_policy(origins = "*")]
enum Other {}

fn main() {}
