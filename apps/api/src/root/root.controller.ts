import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { serviceInfo } from './service-info';

/** `GET /`: no key needed; a first visitor learns what answers here and where to go next. */
@SkipThrottle()
@Controller()
export class RootController {
  @Get()
  root() {
    return serviceInfo();
  }
}
